package org.ministreaming.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class MainTest {

    /** A destination's or address's form in a help text, such as tcp://HOST:PORT or i2p:NAME.b32.i2p. */
    private static final Pattern DESTINATION_FORM = Pattern.compile("\\b(?:[a-z0-9]+:(?://)?|[A-Z]+:)[A-Za-z0-9<>.:]*[A-Za-z0-9>]");

    @Test
    void helpListsTheDemo() {
        Run run = Run.of("--help");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("Usage: ministreaming").contains("--verbose").containsPattern("(?m)^\\s+demo\\s+\\S");
        assertThat(run.err()).isEmpty();
    }

    /**
     * Picocli passes the texts of a help page through {@code String.format}, and where that fails
     * it prints "[picocli WARN]" on the standard error of whoever asked for help (where the test's
     * {@link Run} does not look), so a lone {@code %} (as in "30 %") must be written {@code %%}.
     */
    @Test
    void noHelpPageMakesPicocliWarnNorBreaksAnExample() {
        List<String> names = new ArrayList<>();
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        PrintStream standardError = System.err;
        System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
        try {
            renderHelp(Main.commandLine(), names);
        } finally {
            System.setErr(standardError);
        }

        assertThat(names).contains("ministreaming", "bench", "demo", "trace");
        assertThat(warnings.toString(StandardCharsets.UTF_8)).doesNotContain("picocli");
    }

    private static void renderHelp(CommandLine command, List<String> names) {
        names.add(command.getCommandName());
        assertThat(command.getUsageMessage()).contains("Usage: ");
        assertThat(command.getCommandSpec().usageMessage().footer()).as("examples a help page would break")
                .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(command.getUsageHelpWidth()));
        List<String> descriptions = new ArrayList<>();
        command.getCommandSpec().args().forEach(arg -> descriptions.addAll(List.of(arg.description())));
        for (String description : descriptions) {
            Matcher form = DESTINATION_FORM.matcher(description);
            while (form.find()) {
                assertThat(command.getUsageMessage()).as("%s's help keeps %s on one line", command.getCommandName(), form.group())
                        .contains(form.group());
            }
        }
        for (CommandLine sub : command.getSubcommands().values()) {
            renderHelp(sub, names);
        }
    }

    @Test
    void helpListsEveryExitCode() throws IllegalAccessException {
        String help = Run.of("--help").out();

        for (Field field : ExitCodes.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == int.class) {
                assertThat(help).as(field.getName()).containsPattern("(?m)^\\s+" + field.getInt(null) + "\\s+\\S");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"keygen", "trace", "bench", "router", "demo"})
    void commandsWithoutMessagesOfTheirOwnRefuseTrace(String command, @TempDir Path dir) {
        Path keys = dir.resolve("keys.dat");
        Run run = command.equals("keygen") ? Run.of("--trace", command, keys.toString()) : Run.of(command, "--trace");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines().findFirst()).hasValueSatisfying(line -> assertThat(line)
                .startsWith("ministreaming: ").contains("; --trace is for server, client, listen and connect"));
        assertThat(keys).doesNotExist();
    }

    @Test
    void versionComesFromTheBuild() {
        Run run = Run.of("--version");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).matches("ministreaming \\d+\\.\\d+\\.\\d+\\S*\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0K", "abc", "12X", "-5", "1.5M", "", "9999999999G", "99999999999999999999"})
    void badSizesAreUsageErrorsInOneLine(String size) {
        Run run = Run.of("demo", "--size", size);

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines()).singleElement().asString()
                .startsWith("ministreaming: Invalid value for option '--size': '" + size + "'")
                .endsWith("(see 'ministreaming demo --help')");
    }

    @Test
    void aMissingCommandIsAUsageError() {
        Run run = Run.of();

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).isEqualTo("ministreaming: missing command, such as 'demo' (see 'ministreaming --help')\n");
    }

    @Test
    void anUnknownCommandSuggestsTheRightOne() {
        Run run = Run.of("demos");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err().lines()).singleElement().asString()
                .startsWith("ministreaming: Unmatched argument at index 0: 'demos'; did you mean demo?");
    }

    @Test
    void anIoErrorIsOneLineWithItsOwnExitCode() {
        Run run = Run.of(withFailingCommand(), "fail");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(run.err()).isEqualTo("ministreaming: the disk is on fire\n");
    }

    @Test
    void verboseAddsTheStackTrace() {
        Run before = Run.of(withFailingCommand(), "--verbose", "fail");
        Run after = Run.of(withFailingCommand(), "fail", "--verbose");

        for (Run run : new Run[] {before, after}) {
            assertThat(run.exitCode()).isEqualTo(ExitCodes.IO_ERROR);
            assertThat(run.err()).startsWith("ministreaming: the disk is on fire\n")
                    .contains("java.io.IOException: the disk is on fire")
                    .contains("at org.ministreaming.cli.MainTest$Failing.call");
        }
    }

    @Test
    void otherErrorsAreFailures() {
        CommandLine commandLine = Main.commandLine().addSubcommand("crash", new Crashing());

        Run run = Run.of(commandLine, "crash");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.err()).isEqualTo("ministreaming: IllegalStateException\n");
    }

    private static CommandLine withFailingCommand() {
        return Main.commandLine().addSubcommand("fail", new Failing());
    }

    /** A command that fails with an I/O error. */
    @Command(name = "fail")
    static final class Failing implements Callable<Integer> {
        /** Throws an {@code IOException}. */
        @Override
        public Integer call() throws IOException {
            throw new IOException("the disk is on fire");
        }
    }

    /** A command that fails with a bug. */
    @Command(name = "crash")
    static final class Crashing implements Callable<Integer> {
        /** Throws an {@code IllegalStateException} without a message. */
        @Override
        public Integer call() {
            throw new IllegalStateException();
        }
    }
}
