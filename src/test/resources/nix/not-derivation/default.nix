{ }:
if builtins.getEnv "BUILD" == "1" then "a string, not an environment" else { }
