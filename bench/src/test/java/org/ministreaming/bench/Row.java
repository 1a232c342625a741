package org.ministreaming.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One contender's results: its connect times in milliseconds and its bulk rates in bytes per
 * second, with what prints them as a Markdown table.
 *
 * @param name the contender
 * @param connectMillis one value per connect
 * @param bytesPerSecond one value per bulk transfer
 * @param remarks anything to say about the figures, or nothing
 */
record Row(String name, Samples connectMillis, Samples bytesPerSecond, String remarks) {

    private static final double MB = 1e6;
    private static final double MIB = 1 << 20;

    /** Prints {@code rows} as a table, then each row's remarks. */
    static void print(List<Row> rows, PrintStream out) {
        out.println("| | connect, median ms | connect, p90 ms | bulk, median MB/s | bulk, median MiB/s | bulk, each run MiB/s |");
        out.println("|---|---|---|---|---|---|");
        for (Row row : rows) {
            out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.1f | %.1f | %s |%n", row.name, row.connectMillis.median(),
                    row.connectMillis.p90(), row.bytesPerSecond.median() / MB, row.bytesPerSecond.median() / MIB,
                    row.bytesPerSecond.values().stream().map(rate -> String.format(Locale.ROOT, "%.1f", rate / MIB))
                            .collect(Collectors.joining(", ")));
        }
        for (Row row : rows) {
            if (!row.remarks.isEmpty()) {
                out.println("- " + row.name + ": " + row.remarks);
            }
        }
    }

    /** Prints how this row's medians compare with {@code other}'s: connect time and bulk rate, this one's over the other's. */
    void printRatios(Row other, PrintStream out) {
        out.printf(Locale.ROOT, "%s / %s: connect time %.2f, bulk rate %.2f%n", name, other.name,
                connectMillis.median() / other.connectMillis.median(), bytesPerSecond.median() / other.bytesPerSecond.median());
    }
}
