# Revision 2: a few newer versions, pillow stops propagating olefile, requests starts propagating
# chardet; so that freeze diffs between the two revisions show changes, an addition and a removal.
{
  name = "rev2";
  versions = {
    requests = "2.31.0";
    werkzeug = "2.3.8";
    certifi = "2024.2.2";
  };
  dependencies = {
    pillow = [ ];
    requests = [ "certifi" "charset-normalizer" "idna" "urllib3" "chardet" ];
  };
}
