# The oldest Nix this nixpkgs evaluates with, checked by default.nix as nixpkgs does.
"2.3"
