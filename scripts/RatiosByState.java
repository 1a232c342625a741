import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sorts the rounds of {@code ministreaming bench} output (or of {@code scripts/gomux}, whose lines
 * have the same form with another contender's name) by the state the machine was in, told by the
 * round's raw TCP throughput, and prints for each label and state the median of the rounds'
 * ratios (with quartiles), the median CPU per GiB as a multiple of raw TCP's, and both median
 * throughputs:
 *
 * <pre>
 * java scripts/RatiosByState.java FILE SLOW_BELOW FAST_FROM
 * </pre>
 *
 * A round is slow when raw TCP moved less than {@code SLOW_BELOW} MiB/s, fast from
 * {@code FAST_FROM}, mixed between. A line may start with a label and a space (such as
 * {@code A ratio ...}, to tell two builds apart in one file); unlabelled lines count under their
 * contender's name.
 */
public final class RatiosByState {

    private static final Pattern TRANSFER = Pattern.compile(
            "^(?:(?!raw TCP:)(\\S+) )?(raw TCP|[\\w-]+): +\\d+ bytes in [\\d.]+ s: ([\\d.]+) MiB/s");
    private static final Pattern RATIO = Pattern.compile(
            "^(?:(\\S+) )?ratio ([\\w-]+) / raw TCP: ([\\d.]+), CPU per GiB ([\\d.]+)");

    private record Round(double ratio, double cpu, double raw, double contender) {
    }

    private RatiosByState() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: java scripts/RatiosByState.java FILE SLOW_BELOW FAST_FROM");
            System.exit(2);
        }
        double slowBelow = Double.parseDouble(args[1]);
        double fastFrom = Double.parseDouble(args[2]);
        Map<String, List<Round>> byState = new TreeMap<>();
        double raw = Double.NaN;
        double contender = Double.NaN;
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            Matcher transfer = TRANSFER.matcher(line);
            if (transfer.find()) {
                double mibs = Double.parseDouble(transfer.group(3));
                if (transfer.group(2).equals("raw TCP")) {
                    raw = mibs;
                } else {
                    contender = mibs;
                }
                continue;
            }
            Matcher ratio = RATIO.matcher(line);
            if (ratio.find() && !Double.isNaN(raw) && !Double.isNaN(contender)) {
                String state = raw < slowBelow ? "slow" : raw >= fastFrom ? "fast" : "mixed";
                String label = ratio.group(1) == null ? ratio.group(2) : ratio.group(1);
                byState.computeIfAbsent(label + " " + state, k -> new ArrayList<>()).add(new Round(
                        Double.parseDouble(ratio.group(3)), Double.parseDouble(ratio.group(4)), raw, contender));
                raw = Double.NaN;
                contender = Double.NaN;
            }
        }
        byState.forEach((key, rounds) -> System.out.printf(
                "%-12s %3d rounds: ratio %.2f (quartiles %.2f, %.2f) at %.2f times raw TCP's CPU per GiB; raw TCP %.0f, the contender %.0f MiB/s%n",
                key, rounds.size(), quantile(rounds, Round::ratio, 0.5), quantile(rounds, Round::ratio, 0.25),
                quantile(rounds, Round::ratio, 0.75), quantile(rounds, Round::cpu, 0.5),
                quantile(rounds, Round::raw, 0.5), quantile(rounds, Round::contender, 0.5)));
    }

    /** The {@code q} quantile of one figure of the rounds, interpolated between the two nearest. */
    private static double quantile(List<Round> rounds, ToDoubleFunction<Round> figure, double q) {
        double[] values = rounds.stream().mapToDouble(figure).sorted().toArray();
        double at = q * (values.length - 1);
        int below = (int) Math.floor(at);
        int above = Math.min(values.length - 1, below + 1);
        return values[below] + (at - below) * (values[above] - values[below]);
    }
}
