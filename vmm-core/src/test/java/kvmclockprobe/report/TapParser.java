package kvmclockprobe.report;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser for the TAP 13 subset kselftest prints: the version line, one plan, test
 * points with an optional {@code # SKIP}/{@code # TODO} directive, {@code #} diagnostics and
 * {@code Bail out!}. Any other line (blank ones included) is an error, so a test built on it fails
 * when the writer prints something a TAP consumer would not understand.
 */
public final class TapParser {
    public record TestPoint(boolean ok, int number, String description, String directive, String reason, int line) {
        public boolean skipped() {
            return "SKIP".equals(directive);
        }
    }

    /** A {@code #} line: its text, and the index of the test point it came after (-1 before any). */
    public record Comment(String text, int afterPoint) {}

    public record Document(int plan, List<TestPoint> points, List<Comment> comments, boolean bailedOut) {
        List<String> commentTexts() {
            return comments.stream().map(Comment::text).toList();
        }
    }

    static final class TapParseException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TapParseException(int line, String text, String why) {
            super("line " + line + ": " + why + ": \"" + text + "\"");
        }
    }

    private static final Pattern PLAN = Pattern.compile("1\\.\\.(0|[1-9][0-9]*)");
    private static final Pattern POINT = Pattern.compile("(ok|not ok)(?: ([1-9][0-9]*))?(?: (.*))?");
    private static final Pattern DIRECTIVE = Pattern.compile("(?i)(SKIP|TODO)\\S*(?:\\s+(.*))?");

    private TapParser() {}

    public static Document parse(String text) {
        List<String> lines = text.lines().toList();
        if (lines.isEmpty() || !lines.getFirst().equals("TAP version 13")) {
            throw new TapParseException(1, lines.isEmpty() ? "" : lines.getFirst(), "expected \"TAP version 13\"");
        }
        Integer plan = null;
        boolean planAtEnd = false;
        boolean bailedOut = false;
        List<TestPoint> points = new ArrayList<>();
        List<Comment> comments = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String l = lines.get(i);
            int lineNo = i + 1;
            if (bailedOut) throw new TapParseException(lineNo, l, "output after Bail out!");
            if (planAtEnd && !l.startsWith("#")) throw new TapParseException(lineNo, l, "output after a trailing plan");
            Matcher m;
            if ((m = PLAN.matcher(l)).matches()) {
                if (plan != null) throw new TapParseException(lineNo, l, "second plan");
                plan = Integer.parseInt(m.group(1));
                planAtEnd = !points.isEmpty();
            } else if (l.equals("#") || l.startsWith("# ")) {
                comments.add(new Comment(l.length() > 2 ? l.substring(2) : "", points.size() - 1));
            } else if (l.startsWith("Bail out!")) {
                bailedOut = true;
            } else if ((m = POINT.matcher(l)).matches()) {
                points.add(point(m, lineNo, l));
            } else {
                throw new TapParseException(lineNo, l, "not a TAP line");
            }
        }
        if (plan == null) throw new TapParseException(lines.size(), "", "no plan");
        return new Document(plan, List.copyOf(points), List.copyOf(comments), bailedOut);
    }

    private static TestPoint point(Matcher m, int lineNo, String l) {
        boolean ok = m.group(1).equals("ok");
        if (m.group(2) == null) throw new TapParseException(lineNo, l, "test point without a number");
        int number = Integer.parseInt(m.group(2));
        String rest = m.group(3) == null ? "" : m.group(3);
        // the description ends at the first unescaped '#'
        StringBuilder description = new StringBuilder();
        int i = 0;
        for (; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c == '\\') {
                if (i + 1 >= rest.length()) throw new TapParseException(lineNo, l, "dangling backslash");
                char next = rest.charAt(++i);
                if (next != '#' && next != '\\') throw new TapParseException(lineNo, l, "unknown escape \\" + next);
                description.append(next);
            } else if (c == '#') {
                break;
            } else {
                description.append(c);
            }
        }
        String directive = null;
        String reason = null;
        if (i < rest.length()) {
            String after = rest.substring(i + 1).strip();
            Matcher d = DIRECTIVE.matcher(after);
            if (d.matches()) {
                directive = d.group(1).toUpperCase(java.util.Locale.ROOT);
                reason = d.group(2) == null ? "" : d.group(2);
            } else {
                reason = after; // "#  text": a trailing diagnostic, no directive
            }
        }
        String desc = description.toString().strip();
        if (desc.startsWith("- ")) desc = desc.substring(2);
        return new TestPoint(ok, number, desc, directive, reason, lineNo);
    }
}
