# Revision 2: requests, Werkzeug and certifi upgraded, olefile dropped, python-dotenv added (by flask).
{
  name = "rev2";
  packages = {
    blinker = { version = "1.5"; };
    certifi = { version = "2024.2.2"; };
    click = { version = "8.1.3"; };
    flask = { version = "2.2.2"; dependencies = [ "blinker" "click" "itsdangerous" "jinja2" "python-dotenv" "werkzeug" ]; };
    idna = { version = "3.3"; };
    itsdangerous = { version = "2.1.2"; };
    jinja2 = { version = "3.1.2"; dependencies = [ "markupsafe" ]; };
    markupsafe = { version = "2.1.2"; };
    pillow = { version = "9.4.0"; };
    pip = { version = "23.0.1"; };
    python-dotenv = { version = "0.21.0"; dependencies = [ "click" ]; };
    requests = { version = "2.31.0"; dependencies = [ "certifi" "idna" "urllib3" ]; };
    urllib3 = { version = "1.26.12"; };
    waitress = { version = "2.1.2"; };
    werkzeug = { version = "2.3.8"; dependencies = [ "markupsafe" ]; };
  };
}
