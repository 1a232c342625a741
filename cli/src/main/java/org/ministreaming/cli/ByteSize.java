package org.ministreaming.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Byte counts on the command line: a number of bytes, optionally with a binary unit
 * ({@code 512K}, {@code 64M}, {@code 1G}; {@code KiB}, {@code MB} and so on are read the same
 * way, 1K being 1024 bytes), at least one byte.
 *
 * <p>Stateless and thread-safe.
 */
final class ByteSize implements ITypeConverter<Long> {

    private static final long KIB = 1024;
    private static final long MIB = KIB * KIB;
    private static final long GIB = MIB * KIB;
    private static final Pattern SYNTAX =
            Pattern.compile("(\\d+)\\s*(?:([KMG])(?:I?B)?|B)?", Pattern.CASE_INSENSITIVE);

    /** Reads a size for picocli; a bad one is a usage error. */
    @Override
    public Long convert(String text) {
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /**
     * Reads a size.
     *
     * @param text for example {@code 64M}
     * @return the number of bytes, at least 1
     * @throws IllegalArgumentException if {@code text} is not a size, is 0 or is too large
     */
    static long parse(String text) {
        Matcher matcher = SYNTAX.matcher(text.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size; give bytes, or a number with K, M or G, like 512K, 64M or 1G");
        }
        String unit = matcher.group(2) == null ? "" : matcher.group(2).toUpperCase(Locale.ROOT);
        long multiplier = switch (unit) {
            case "K" -> KIB;
            case "M" -> MIB;
            case "G" -> GIB;
            default -> 1;
        };
        long bytes;
        try {
            bytes = Math.multiplyExact(Long.parseLong(matcher.group(1)), multiplier);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large a size", e);
        }
        if (bytes < 1) {
            throw new IllegalArgumentException("'" + text + "' is too small a size; give at least 1 byte");
        }
        return bytes;
    }

    /**
     * Writes a size for people: whole binary units where they fit ({@code 64 MiB}), else bytes
     * below 1 KiB and one decimal above ({@code 1.5 MiB}).
     *
     * @param bytes the size, not negative
     * @return for example {@code 64 MiB} or {@code 1000 bytes}
     */
    static String format(long bytes) {
        long[] units = {GIB, MIB, KIB};
        String[] names = {"GiB", "MiB", "KiB"};
        for (int i = 0; i < units.length; i++) {
            if (bytes >= units[i] && bytes % units[i] == 0) {
                return bytes / units[i] + " " + names[i];
            }
        }
        for (int i = 0; i < units.length; i++) {
            if (bytes >= units[i]) {
                return String.format(Locale.ROOT, "%.1f %s", (double) bytes / units[i], names[i]);
            }
        }
        return bytes + (bytes == 1 ? " byte" : " bytes");
    }

    /**
     * {@code amount} bytes in the unit {@code scale} calls for, one decimal: {@code 3.5 MiB},
     * {@code 12.0 KiB}, or whole bytes below a KiB.
     *
     * @param amount bytes, or bytes a second
     * @param scale the number that picks the unit (the total of a progress, or the amount itself)
     * @return the amount and its unit
     */
    static String scaled(double amount, double scale) {
        return number(amount, scale) + " " + unit(scale);
    }

    /** {@code amount} in the unit of {@link #unit}{@code (scale)}, without the unit. */
    static String number(double amount, double scale) {
        return scale >= KIB ? String.format(Locale.ROOT, "%.1f", amount / (scale >= MIB ? MIB : KIB))
                : String.format(Locale.ROOT, "%.0f", amount);
    }

    /** The unit {@link #scaled} uses for {@code scale}: {@code MiB}, {@code KiB} or {@code bytes}. */
    static String unit(double scale) {
        return scale >= MIB ? "MiB" : scale >= KIB ? "KiB" : "bytes";
    }
}
