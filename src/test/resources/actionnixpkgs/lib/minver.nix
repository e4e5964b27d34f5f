# The oldest Nix this stand-in evaluates with. Revision 2 is packed needing 2.18, like nixpkgs from
# nixos-25.11 on (io.nixship.testsupport.ActionNixpkgs): the scenarios that build it in the image prove
# the image's Nix evaluates current nixpkgs, while the host's Nix 2.8 builds revision 1.
"2.3"
