package io.nixship.cli;

/** Entry point: builds the command line for the real process and exits with its code. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(NixshipCli.commandLine(CliContext.system()).execute(args));
  }
}
