import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Sorts the CPU samples of async-profiler's collapsed output (taken with {@code threads}) by
 * kind, for the threads whose names match, and prints milliseconds of CPU per GiB moved:
 *
 * <pre>
 * java scripts/CpuByKind.java FILE THREAD_REGEX INTERVAL_MICROS GIB
 * </pre>
 *
 * The kind is the sample's innermost frame: the kernel's copies to and from user memory
 * ({@code _copy_to_iter}, {@code _copy_from_iter}); a copy in user space (an {@code arraycopy}
 * stub or {@code copyMemory}); parking and waking (futex, the scheduler, {@code epoll_wait}, or
 * any such frame among the innermost 400 characters of the stack); other kernel frames; compiled
 * or interpreted Java code; anything else native.
 */
public final class CpuByKind {

    private static final Pattern WAKE = Pattern.compile(
            "futex|_raw_spin_unlock_irqrestore|finish_task_switch|schedule|try_to_wake|pthread_cond|lll_lock|unpark|park|epoll_wait|do_epoll");

    private CpuByKind() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: java scripts/CpuByKind.java FILE THREAD_REGEX INTERVAL_MICROS GIB");
            System.exit(2);
        }
        Pattern threads = Pattern.compile(args[1]);
        double millisPerSample = Double.parseDouble(args[2]) / 1000;
        double gib = Double.parseDouble(args[3]);
        Map<String, Long> samples = new TreeMap<>();
        try (Stream<String> lines = Files.lines(Path.of(args[0]))) {
            lines.forEach(line -> {
                int space = line.lastIndexOf(' ');
                String stack = line.substring(0, space);
                String[] frames = stack.split(";");
                if (threads.matcher(frames[0]).find()) {
                    samples.merge(kind(stack, frames[frames.length - 1]), Long.parseLong(line.substring(space + 1)), Long::sum);
                }
            });
        }
        long total = samples.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("all: %.0f ms per GiB%n", total * millisPerSample / gib);
        samples.forEach((kind, count) -> System.out.printf("%s: %.0f ms per GiB%n", kind, count * millisPerSample / gib));
    }

    private static String kind(String stack, String leaf) {
        if (leaf.equals("_copy_to_iter_[k]") || leaf.equals("_copy_from_iter_[k]")) {
            return "kernel copy";
        }
        if (leaf.contains("arraycopy") || leaf.contains("copyMemory")) {
            return "user copy";
        }
        if (WAKE.matcher(leaf + stack.substring(Math.max(0, stack.length() - 400))).find()) {
            return "wake and park";
        }
        if (leaf.endsWith("[k]")) {
            return "kernel, other";
        }
        return leaf.contains("/") ? "Java code" : "native, other";
    }
}
