package org.ministreaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Keeps the README's examples and the tests that run them the same: a test marks its example
 * with the comment lines {@code // README NAME begin} and {@code // README NAME end}, and
 * {@link #assertInReadme} checks that the README holds those lines, indentation aside.
 */
public final class ReadmeSnippets {

    private ReadmeSnippets() {
    }

    /**
     * Fails unless the README (one folder above the module, where surefire runs) holds the
     * example {@code name} of {@code test}'s source file.
     */
    public static void assertInReadme(Class<?> test, String name) throws IOException {
        Path source = Path.of("src/test/java", test.getName().replace('.', '/') + ".java");
        List<String> lines = Files.readAllLines(source);
        int begin = lines.indexOf(marker(lines, "// README " + name + " begin"));
        int end = lines.indexOf(marker(lines, "// README " + name + " end"));
        List<String> example = lines.subList(begin + 1, end);
        int indent = example.stream().filter(line -> !line.isBlank())
                .mapToInt(line -> line.length() - line.stripLeading().length()).min().orElse(0);
        String expected = String.join("\n", example.stream().map(line -> line.isBlank() ? "" : line.substring(indent)).toList());
        assertThat(Files.readString(Path.of("..", "README.md"))).as("the README holds the example '%s' of %s", name, source)
                .contains(expected);
    }

    private static String marker(List<String> lines, String marker) {
        return lines.stream().filter(line -> line.strip().equals(marker)).findFirst()
                .orElseThrow(() -> new AssertionError("no line '" + marker + "'"));
    }
}
