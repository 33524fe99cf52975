package kvmclockprobe.report;

import java.util.Locale;

/**
 * A minimal XML writer: elements with attributes and escaped text, indented, except inside an
 * element opened with {@link #openInline} (SVG text with {@code tspan}s), where indentation
 * would be text.
 */
final class Xml {
    private final StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    private int depth;
    /** The depth of the innermost inline element, or -1 when not inside one. */
    private int inlineDepth = -1;

    Xml open(String name, Object... attrs) {
        start(name, attrs);
        b.append('>').append(newline());
        depth++;
        return this;
    }

    /** Opens an element whose children are written without any whitespace between them. */
    Xml openInline(String name, Object... attrs) {
        start(name, attrs);
        b.append('>');
        if (inlineDepth < 0) inlineDepth = depth;
        depth++;
        return this;
    }

    Xml empty(String name, Object... attrs) {
        start(name, attrs);
        b.append("/>").append(newline());
        return this;
    }

    Xml text(String name, String text, Object... attrs) {
        start(name, attrs);
        b.append('>').append(escape(text)).append("</").append(name).append('>').append(newline());
        return this;
    }

    Xml close(String name) {
        depth--;
        b.append(indent()).append("</").append(name).append('>');
        if (depth == inlineDepth) inlineDepth = -1; // the inline element itself ends its line
        b.append(newline());
        return this;
    }

    private String indent() {
        return inlineDepth >= 0 ? "" : "  ".repeat(depth);
    }

    private String newline() {
        return inlineDepth >= 0 ? "" : "\n";
    }

    private void start(String name, Object[] attrs) {
        if (attrs.length % 2 != 0) throw new IllegalArgumentException("attributes come in name/value pairs");
        b.append(indent()).append('<').append(name);
        for (int i = 0; i < attrs.length; i += 2) {
            Object v = attrs[i + 1];
            String value = v instanceof Double d ? num(d) : v instanceof Float f ? num(f) : String.valueOf(v);
            b.append(' ').append(attrs[i]).append("=\"").append(escape(value)).append('"');
        }
    }

    /** A coordinate: at most two decimals, never NaN or Infinity (those become 0). */
    static String num(double v) {
        if (!Double.isFinite(v)) return "0";
        String s = String.format(Locale.ROOT, "%.2f", v);
        if (s.indexOf('.') >= 0) s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        return s.equals("-0") ? "0" : s;
    }

    /** Text or attribute value escaped for XML 1.0; characters XML cannot hold become U+FFFD. */
    static String escape(String s) {
        if (s == null) return "";
        StringBuilder e = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            switch (c) {
                case '&' -> e.append("&amp;");
                case '<' -> e.append("&lt;");
                case '>' -> e.append("&gt;");
                case '"' -> e.append("&quot;");
                case '\'' -> e.append("&apos;");
                case '\t' -> e.append("&#9;");
                case '\n' -> e.append("&#10;");
                case '\r' -> e.append("&#13;");
                default -> {
                    boolean legal = (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
                            || (c >= 0x10000 && c <= 0x10FFFF);
                    if (legal) e.appendCodePoint(c);
                    else e.append('\uFFFD');
                }
            }
        }
        return e.toString();
    }

    @Override
    public String toString() {
        return b.toString();
    }
}
