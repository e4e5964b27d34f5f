# Revision 1: the Debian 12 versions as they are.
{
  name = "rev1";
  # Attribute name -> version that the package's metadata is rewritten to.
  versions = { };
  # Attribute name -> propagated Python dependencies, replacing the defaults in packages.nix.
  dependencies = { };
}
