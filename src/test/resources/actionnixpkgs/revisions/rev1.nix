# Revision 1: package name -> version and the packages it propagates.
{
  name = "rev1";
  packages = {
    blinker = { version = "1.5"; };
    certifi = { version = "2022.9.24"; };
    click = { version = "8.1.3"; };
    flask = { version = "2.2.2"; dependencies = [ "blinker" "click" "itsdangerous" "jinja2" "werkzeug" ]; };
    idna = { version = "3.3"; };
    itsdangerous = { version = "2.1.2"; };
    jinja2 = { version = "3.1.2"; dependencies = [ "markupsafe" ]; };
    markupsafe = { version = "2.1.2"; };
    olefile = { version = "0.46"; };
    pillow = { version = "9.4.0"; dependencies = [ "olefile" ]; };
    pip = { version = "23.0.1"; };
    requests = { version = "2.28.1"; dependencies = [ "certifi" "idna" "urllib3" ]; };
    urllib3 = { version = "1.26.12"; };
    waitress = { version = "2.1.2"; };
    werkzeug = { version = "2.2.2"; dependencies = [ "markupsafe" ]; };
  };
}
