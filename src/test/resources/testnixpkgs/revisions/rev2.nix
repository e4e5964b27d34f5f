# Revision 2: newer versions of requests, werkzeug and certifi (metadata rewritten); pillow stops
# propagating olefile and flask starts propagating python-dotenv, so that freeze diffs between the
# two revisions show changes, an addition and a removal.
{
  name = "rev2";
  versions = {
    requests = "2.31.0";
    werkzeug = "2.3.8";
    certifi = "2024.2.2";
  };
  dependencies = {
    pillow = [ ];
    flask = [ "blinker" "click" "itsdangerous" "jinja2" "python-dotenv" "werkzeug" ];
  };
}
