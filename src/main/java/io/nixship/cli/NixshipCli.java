package io.nixship.cli;

import io.nixship.NixshipException;
import io.nixship.NixshipVersion;
import io.nixship.nix.NixException;
import io.nixship.nix.NixFailureKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The top-level command. It holds only the subcommand list; {@link #commandLine} is the one factory
 * that wires output streams, the exception handler and the exit-code mapping, used by {@link Main}
 * and by tests alike.
 */
@Command(
        name = "nixship",
        mixinStandardHelpOptions = true,
        versionProvider = NixshipCli.Version.class,
        description =
                "Builds a commit's Nix-pinned Python environment into an OCI image and keeps Kubernetes manifests in step.",
        subcommandsRepeatable = false)
public final class NixshipCli {
    @CommandLine.Option(
            names = "--stacktrace",
            scope = CommandLine.ScopeType.INHERIT,
            description = "Print the stack trace of an error, not only its one-line message.")
    boolean stacktrace;

    /** The subcommands by name, in the order help lists them. */
    private static Map<String, Function<CliContext, Object>> subcommands() {
        Map<String, Function<CliContext, Object>> subcommands = new LinkedHashMap<>();
        subcommands.put("build", BuildCommand::new);
        subcommands.put("freeze", FreezeCommand::new);
        subcommands.put("bump", BumpCommand::new);
        subcommands.put("lock", LockCommand::new);
        subcommands.put("diff", DiffCommand::new);
        subcommands.put("comment", CommentCommand::new);
        subcommands.put("verify", VerifyCommand::new);
        subcommands.put("release", ReleaseCommand::new);
        subcommands.put("update-channel", UpdateChannelCommand::new);
        return subcommands;
    }

    /** The command line with every subcommand. */
    public static CommandLine commandLine(CliContext given) {
        return commandLine(given, new String[0]);
    }

    /**
     * The command line for {@code args}: when they start with a subcommand's name, only that
     * subcommand is built, since picocli reads every command's annotations as it is added and that
     * was a third of a no-op push's start; otherwise (help, version, a typo) every subcommand is.
     */
    public static CommandLine commandLine(CliContext context, String[] args) {
        CommandLine commandLine = new CommandLine(new NixshipCli());
        Map<String, Function<CliContext, Object>> subcommands = subcommands();
        if (args.length > 0 && subcommands.containsKey(args[0])) {
            commandLine.addSubcommand(args[0], subcommands.get(args[0]).apply(context));
        } else {
            subcommands.forEach(
                    (name, command) -> commandLine.addSubcommand(name, command.apply(context)));
        }
        // After every addSubcommand: picocli hands the provider only to the subcommands that exist
        // now.
        commandLine.setDefaultValueProvider(new ActionInputDefaults(context.host()));
        commandLine.setOut(context.out());
        commandLine.setErr(context.err());
        commandLine.setExecutionExceptionHandler(
                (exception, cmd, parseResult) ->
                        report(context, exception, wantsStacktrace(parseResult)));
        commandLine.setParameterExceptionHandler(
                (exception, rejected) -> {
                    ErrorAnnotations errors = new ErrorAnnotations(context);
                    errors.log("nixship: " + exception.getMessage());
                    errors.annotate(exception.getMessage());
                    exception.getCommandLine().usage(context.err());
                    context.err().flush();
                    return NixshipException.USAGE;
                });
        return commandLine;
    }

    private static boolean wantsStacktrace(CommandLine.ParseResult parseResult) {
        return parseResult.asCommandLineList().stream()
                .anyMatch(
                        cmd ->
                                cmd.getParseResult() != null
                                        && cmd.getParseResult().hasMatchedOption("--stacktrace"));
    }

    private static int report(CliContext context, Exception exception, boolean stacktrace) {
        ErrorAnnotations errors = new ErrorAnnotations(context);
        if (exception instanceof UncheckedIOException io) {
            // The disk or a pipe failed under nixship: the operation failed, nixship has no bug.
            return report(context, NixshipException.failure(io.getMessage(), io), stacktrace);
        }
        if (exception instanceof NixshipException known) {
            if (known instanceof NixException nix
                    && nix.kind() == NixFailureKind.BUILD
                    && !nix.logTail().isEmpty()) {
                // The log was streamed (collapsed in Actions); its end is repeated next to the
                // one-line error.
                errors.log("last lines of the log:\n  " + String.join("\n  ", nix.logTail()));
            }
            errors.log("nixship: error: " + known.getMessage());
            errors.annotate(known.getMessage());
            if (stacktrace) {
                errors.log(stackTrace(known));
            }
            context.err().flush();
            return known.exitCode();
        }
        String bug =
                "internal error, a bug in nixship: "
                        + exception
                        + (stacktrace
                                ? ""
                                : "; run again with --stacktrace and report the stack trace");
        errors.log("nixship: " + bug);
        errors.annotate(bug);
        if (stacktrace) {
            errors.log(stackTrace(exception));
        }
        context.err().flush();
        return NixshipException.INTERNAL;
    }

    private static String stackTrace(Exception exception) {
        StringWriter trace = new StringWriter();
        exception.printStackTrace(new PrintWriter(trace));
        return trace.toString().stripTrailing();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"nixship " + NixshipVersion.current()};
        }
    }
}
