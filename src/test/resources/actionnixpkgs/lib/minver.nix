# The oldest Nix this stand-in evaluates with: that of nixpkgs from nixos-25.11 on, so the action
# scenarios prove the image's Nix evaluates current nixpkgs (nixship checks it before evaluating).
"2.18"
