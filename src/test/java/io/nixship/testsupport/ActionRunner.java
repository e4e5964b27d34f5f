package io.nixship.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Runs the action image as GitHub's runner runs a container action ({@code runs.using: docker}),
 * with podman: {@code run --workdir /github/workspace --rm}, each input as {@code INPUT_<NAME>}
 * (upper-cased, hyphens kept), the runner's {@code GITHUB_*}, {@code RUNNER_*}, {@code
 * GITHUB_ACTIONS=true} and {@code CI=true}, and four mounts: {@code /github/home}, {@code
 * /github/workflow} (event.json), {@code /github/file_commands} ({@code GITHUB_OUTPUT}, the step
 * summary) and the workspace, owned by the runner's user (uid 1001), not root. As the runner does,
 * values reach podman through its environment ({@code -e NAME}), never its argv. {@code
 * RUNNER_TEMP} names a host path that is not mounted. {@code --network host} stands for the
 * runner's network: the registry, the GitHub stand-in and the channel server listen on loopback.
 * There is no Docker socket to mount.
 */
public final class ActionRunner {
    /** The uid of the hosted runner's user, which owns the workspace. */
    public static final String RUNNER_UID = "1001";

    /** What a step left: exit code, the container's stdout and stderr, its outputs and summary. */
    public record Result(
            int exitCode, String out, String err, Map<String, String> outputs, String summary) {
        /**
         * Everything the runner's log would receive, with the {@code ::add-mask::} lines the runner
         * consumes.
         */
        public String log() {
            return out + err;
        }
    }

    private final String image;
    private final Path runnerDir;
    private final String repository;
    private final Map<String, String> stepEnv = new LinkedHashMap<>();

    /**
     * @param runnerDir the runner's own directory: {@code _temp/_github_home}, {@code
     *     _temp/_github_workflow} and {@code _temp/_runner_file_commands} are made in it
     */
    public ActionRunner(String image, Path runnerDir, String repository) {
        this.image = image;
        this.runnerDir = runnerDir;
        this.repository = repository;
    }

    /**
     * Sets a runner variable ({@code GITHUB_API_URL}, {@code GITHUB_SHA}) or a variable of the
     * step's {@code env:}, which the runner passes to the container the same way.
     */
    public ActionRunner env(String name, String value) {
        stepEnv.put(name, value);
        return this;
    }

    /**
     * One step: the action with {@code inputs} (name as in action.yml), the event as {@code
     * eventJson}.
     */
    public Result run(
            Path workspace, String eventName, String eventJson, Map<String, String> inputs) {
        try {
            Path temp = runnerDir.resolve("_temp");
            Path home = Files.createDirectories(temp.resolve("_github_home"));
            Path workflow = Files.createDirectories(temp.resolve("_github_workflow"));
            Path fileCommands = Files.createDirectories(temp.resolve("_runner_file_commands"));
            Files.writeString(workflow.resolve("event.json"), eventJson, StandardCharsets.UTF_8);
            String id = UUID.randomUUID().toString();
            Map<String, String> files = new LinkedHashMap<>();
            for (String command :
                    List.of("add_path", "set_env", "save_state", "set_output", "step_summary")) {
                Path file = fileCommands.resolve(command + "_" + id);
                Files.createFile(file);
                files.put(command, "/github/file_commands/" + file.getFileName());
            }
            chownToRunner(runnerDir);
            chownToRunner(workspace);

            Map<String, String> env = new LinkedHashMap<>();
            inputs.forEach(
                    (name, value) -> env.put("INPUT_" + name.toUpperCase(Locale.ROOT), value));
            env.put("HOME", "/github/home");
            env.put("GITHUB_JOB", "action");
            env.put("GITHUB_REF", "refs/heads/main");
            env.put("GITHUB_SHA", "");
            env.put("GITHUB_REPOSITORY", repository);
            env.put("GITHUB_REPOSITORY_OWNER", repository.substring(0, repository.indexOf('/')));
            env.put("GITHUB_RUN_ID", "4242");
            env.put("GITHUB_RUN_NUMBER", "7");
            env.put("GITHUB_RUN_ATTEMPT", "1");
            env.put("GITHUB_ACTOR", "octocat");
            env.put("GITHUB_WORKFLOW", "nixship");
            env.put("GITHUB_HEAD_REF", "");
            env.put("GITHUB_BASE_REF", "");
            env.put("GITHUB_EVENT_NAME", eventName);
            env.put("GITHUB_SERVER_URL", "https://github.com");
            env.put("GITHUB_API_URL", "https://api.github.com");
            env.put("GITHUB_GRAPHQL_URL", "https://api.github.com/graphql");
            env.put("GITHUB_WORKSPACE", "/github/workspace");
            env.put("GITHUB_ACTION", "nixship");
            env.put("GITHUB_EVENT_PATH", "/github/workflow/event.json");
            env.put("GITHUB_ACTION_REPOSITORY", "nixship/nixship");
            env.put("GITHUB_ACTION_REF", "v1");
            env.put("GITHUB_PATH", files.get("add_path"));
            env.put("GITHUB_ENV", files.get("set_env"));
            env.put("GITHUB_STEP_SUMMARY", files.get("step_summary"));
            env.put("GITHUB_STATE", files.get("save_state"));
            env.put("GITHUB_OUTPUT", files.get("set_output"));
            env.put("RUNNER_OS", "Linux");
            env.put("RUNNER_ARCH", "X64");
            env.put("RUNNER_NAME", "GitHub Actions 1");
            env.put("RUNNER_TOOL_CACHE", "/opt/hostedtoolcache");
            env.put("RUNNER_TEMP", "/home/runner/work/_temp");
            env.put(
                    "RUNNER_WORKSPACE",
                    "/home/runner/work/" + repository.substring(repository.indexOf('/') + 1));
            env.putAll(stepEnv);

            List<String> command =
                    new ArrayList<>(
                            List.of(
                                    "podman",
                                    "run",
                                    "--name",
                                    "nixship-action-" + id,
                                    "--label",
                                    "nixship-action-test",
                                    "--workdir",
                                    "/github/workspace",
                                    "--rm",
                                    "--network",
                                    "host"));
            for (String name : env.keySet()) {
                command.addAll(List.of("-e", name));
            }
            command.addAll(
                    List.of(
                            "-e",
                            "GITHUB_ACTIONS=true",
                            "-e",
                            "CI=true",
                            "-v",
                            home + ":/github/home",
                            "-v",
                            workflow + ":/github/workflow",
                            "-v",
                            fileCommands + ":/github/file_commands",
                            "-v",
                            workspace + ":/github/workspace",
                            image));

            Path out = Files.createTempFile(runnerDir, "stdout", ".log");
            Path err = Files.createTempFile(runnerDir, "stderr", ".log");
            ProcessBuilder builder =
                    new ProcessBuilder(command)
                            .redirectOutput(out.toFile())
                            .redirectError(err.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(20, TimeUnit.MINUTES)) {
                new ProcessBuilder("podman", "kill", "nixship-action-" + id).start().waitFor();
                process.waitFor();
                throw new AssertionError(
                        "the action ran past 20 minutes and was killed; stderr: "
                                + Files.readString(err));
            }
            return new Result(
                    process.exitValue(),
                    Files.readString(out),
                    Files.readString(err),
                    outputs(fileCommands.resolve("set_output_" + id)),
                    Files.readString(fileCommands.resolve("step_summary_" + id)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the action ran", e);
        }
    }

    private static void chownToRunner(Path directory) throws IOException, InterruptedException {
        Process chown =
                new ProcessBuilder(
                                "chown", "-R", RUNNER_UID + ":" + RUNNER_UID, directory.toString())
                        .redirectErrorStream(true)
                        .start();
        String message = new String(chown.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (chown.waitFor() != 0) {
            throw new IllegalStateException("chown " + directory + " failed: " + message);
        }
    }

    /** GITHUB_OUTPUT's heredoc form, NAME<<DELIMITER, the value, DELIMITER; later values win. */
    public static Map<String, String> outputs(Path file) throws IOException {
        Map<String, String> outputs = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String[] start = lines.get(i).split("<<", 2);
            StringBuilder value = new StringBuilder();
            for (i++; !lines.get(i).equals(start[1]); i++) {
                value.append(value.length() == 0 ? "" : "\n").append(lines.get(i));
            }
            outputs.put(start[0], value.toString());
        }
        return outputs;
    }
}
