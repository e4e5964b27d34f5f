package io.nixship.cli;

import io.nixship.NixshipException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The top-level command. It holds only the subcommand list; {@link #commandLine} is the one factory that
 * wires output streams, the exception handler and the exit-code mapping, used by {@link Main} and by
 * tests alike.
 */
@Command(
    name = "nixship",
    mixinStandardHelpOptions = true,
    versionProvider = NixshipCli.Version.class,
    description = "Builds a commit's Nix-pinned Python environment into an OCI image and keeps Kubernetes manifests in step.",
    subcommandsRepeatable = false)
public final class NixshipCli {
  @CommandLine.Option(
      names = "--stacktrace",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Print the stack trace of an error, not only its one-line message.")
  boolean stacktrace;

  public static CommandLine commandLine(CliContext context) {
    CommandLine commandLine = new CommandLine(new NixshipCli());
    commandLine.addSubcommand("build", new BuildCommand(context));
    commandLine.addSubcommand("freeze", new FreezeCommand(context));
    commandLine.addSubcommand("bump", new BumpCommand(context));
    commandLine.addSubcommand("release", new ReleaseCommand(context));
    commandLine.setOut(context.out());
    commandLine.setErr(context.err());
    commandLine.setExecutionExceptionHandler(
        (exception, cmd, parseResult) -> report(context, exception, wantsStacktrace(parseResult)));
    commandLine.setParameterExceptionHandler(
        (exception, args) -> {
          context.err().println("nixship: " + exception.getMessage());
          exception.getCommandLine().usage(context.err());
          context.err().flush();
          return NixshipException.USAGE;
        });
    return commandLine;
  }

  private static boolean wantsStacktrace(CommandLine.ParseResult parseResult) {
    return parseResult.asCommandLineList().stream()
        .anyMatch(cmd -> cmd.getParseResult() != null && cmd.getParseResult().hasMatchedOption("--stacktrace"));
  }

  private static int report(CliContext context, Exception exception, boolean stacktrace) {
    if (exception instanceof NixshipException known) {
      context.err().println("nixship: error: " + known.getMessage());
      if (stacktrace) {
        known.printStackTrace(context.err());
      }
      context.err().flush();
      return known.exitCode();
    }
    context.err().println("nixship: internal error: " + exception);
    exception.printStackTrace(context.err());
    context.err().flush();
    return NixshipException.FAILURE;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = NixshipCli.class.getPackage().getImplementationVersion();
      return new String[] {"nixship " + (version == null ? "dev" : version)};
    }
  }
}
