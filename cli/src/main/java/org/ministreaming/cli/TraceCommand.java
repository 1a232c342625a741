package org.ministreaming.cli;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ministreaming trace [FILE]}: decodes messages given as hex, one per line, and prints
 * each in the trace notation of the 2004 protocol text with what it means; lines that are no valid message are
 * reported as {@code MALFORMED <reason>: line N (...): <detail>} and the rest go on.
 *
 * <p>Not thread-safe: picocli fills one instance per run.
 */
@Command(
        name = "trace",
        mixinStandardHelpOptions = true,
        description = {
            "Decodes ministreaming messages written as hex, one per line, from FILE or standard input,"
                    + " and prints each in the trace notation of the 2004 protocol text, followed by what it means in parentheses.",
            "Bytes may be separated by spaces or not, in either case. A line may start with an arrow"
                    + " (C->S, S->C, *->*), itself after the peer as --trace prints it (tcp://127.0.0.1:7000 C->S ...),"
                    + " and end with a comment in parentheses, so trace lines read back; blank lines and # comments are skipped.",
            "A line that is no valid message is printed as 'MALFORMED <reason>: line N (...): <detail>',"
                    + " where the reason is TOO_SHORT, ZERO_ID, UNKNOWN_TYPE, BAD_ACK_PAYLOAD, BAD_EXTENSION_PAYLOAD"
                    + " (from the codec), NOT_HEX, CUT (a payload cut with '...') or WRONG_ARROW; the next lines are still decoded."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            ExitCodes.OK + ":every line was a valid message",
            ExitCodes.USAGE + ":the command line is wrong",
            ExitCodes.IO_ERROR + ":FILE or standard input could not be read",
            ExitCodes.MALFORMED_INPUT + ":at least one line was no valid message"})
final class TraceCommand implements Callable<Integer> {

    private static final int LISTED_LINES = 10;

    @Parameters(arity = "0..1", paramLabel = "FILE",
            description = "The hex messages, one per line; standard input if absent or '-'.")
    private String file;

    @Spec
    private CommandSpec spec;

    /** Where input comes from without FILE; a test may replace it before the run. */
    InputStream standardInput = System.in;

    /** Decodes every line; 0 if all were valid messages, {@link ExitCodes#MALFORMED_INPUT} if not. */
    @Override
    public Integer call() throws IOException {
        Main.refuseTrace(spec, "trace decodes messages without sending any");
        PrintWriter out = spec.commandLine().getOut();
        boolean fromStdin = file == null || file.equals("-");
        String source = fromStdin ? "standard input" : file;
        List<Long> malformed = new ArrayList<>();
        long messages = 0;
        InputStream input = fromStdin ? nonClosing(standardInput) : open(file);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8))) {
            String line;
            long number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                Optional<TraceLine.Result> result = TraceLine.decode(line, number);
                if (result.isEmpty()) {
                    continue;
                }
                messages++;
                out.println(result.get().text());
                if (result.get().malformed()) {
                    malformed.add(number);
                }
            }
        } catch (IOException e) {
            out.flush();
            throw new IOException("cannot read " + source + ": " + describe(e), e);
        }
        out.flush();
        if (malformed.isEmpty()) {
            return ExitCodes.OK;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("ministreaming: " + malformed.size() + " of " + messages + (messages == 1 ? " line was" : " lines were")
                + " no valid message (" + lineList(malformed) + ")");
        err.flush();
        return ExitCodes.MALFORMED_INPUT;
    }

    private static InputStream open(String name) throws IOException {
        try {
            return Files.newInputStream(Path.of(name));
        } catch (InvalidPathException e) {
            throw new IOException("cannot read " + name + ": not a file name (" + e.getReason() + ")", e);
        } catch (IOException e) {
            throw new IOException("cannot read " + name + ": " + describe(e), e);
        }
    }

    /** Standard input stays open after the run, for whoever else wants it. */
    private static InputStream nonClosing(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public void close() {
            }
        };
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String lineList(List<Long> lines) {
        StringBuilder text = new StringBuilder(lines.size() == 1 ? "line " : "lines ");
        for (int i = 0; i < Math.min(lines.size(), LISTED_LINES); i++) {
            text.append(i == 0 ? "" : ", ").append(lines.get(i));
        }
        if (lines.size() > LISTED_LINES) {
            text.append(", ...");
        }
        return text.toString();
    }
}
