package kvmclockprobe.bindings.gen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Generates the jextract-shaped sources of {@code kvmclockprobe.bindings} from
 * {@code src/gen/bindings.spec}.
 *
 * <p>The spec only names headers, structs, members and constants. The generator writes
 * a C program that prints every size, offset, alignment, signedness and constant value,
 * compiles it with {@code cc} against the installed headers (plus {@code src/gen/c}),
 * runs it, and emits Java from its output. A second {@code cc -E -dD} pass over the same
 * includes expands the spec's {@code prefix} directives to the macros a header defines.
 *
 * <p>Usage: {@code BindingsGenerator OUTPUT_DIR [SPEC_FILE]}; OUTPUT_DIR is a source root
 * (for example {@code src/main/java}); the generator replaces every {@code .java} file in
 * {@code OUTPUT_DIR/kvmclockprobe/bindings}. SPEC_FILE defaults to
 * {@code src/gen/bindings.spec}; the supplementary headers are in the {@code c} directory
 * next to it. The environment variable {@code CC} overrides the compiler.
 *
 * <p>The spec's {@code from-uapi} sections are read from the pinned uapi tree its {@code uapi}
 * directive names (a Debian linux-libc-dev newer than the build host's, unpacked by
 * {@code kvm-bindings/regenerate} into the lab's cache; {@link #uapiTree} finds it), in a second
 * probe compiled with {@code -nostdinc} against that tree alone. Writing needs the tree;
 * {@link #generate(Path, Path)} with no tree leaves those constants out, for the offline check.
 */
public final class BindingsGenerator {

    public static final String PACKAGE = "kvmclockprobe.bindings";
    public static final String PACKAGE_DIR = "kvmclockprobe/bindings";
    static final String TOOL = "kvmclockprobe.bindings.gen.BindingsGenerator";

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: BindingsGenerator OUTPUT_DIR [SPEC_FILE]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        Path spec = Path.of(args.length > 1 ? args[1] : "src/gen/bindings.spec");
        Path tree = uapiTree(spec);
        if (tree == null) {
            System.err.println("BindingsGenerator: the pinned uapi tree " + uapiPin(spec) + " is not unpacked in "
                    + labCache() + "/unpacked (kvm-bindings/regenerate fetches it; or set " + UAPI_TREE_ENV + ")");
            System.exit(3);
        }
        System.out.println("pinned uapi tree: " + tree);
        SortedMap<String, String> files = generate(spec, tree);
        write(files, out);
        System.out.println("wrote " + files.size() + " files to " + out.resolve(PACKAGE_DIR));
    }

    /** Replaces the generated package directory under {@code sourceRoot} with {@code files}. */
    public static void write(SortedMap<String, String> files, Path sourceRoot) throws IOException {
        Path dir = sourceRoot.resolve(PACKAGE_DIR);
        Files.createDirectories(dir);
        try (Stream<Path> old = Files.list(dir)) {
            for (Path p : old.filter(p -> p.getFileName().toString().endsWith(".java")).toList()) {
                Files.delete(p);
            }
        }
        for (Map.Entry<String, String> e : files.entrySet()) {
            Files.writeString(dir.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Generates all sources: file name (e.g. {@code kvm_run.java}) to content. {@code uapiTree}
     * is the pinned uapi tree's include directory ({@link #uapiTree}); when it is {@code null} the
     * constants of the spec's {@code from-uapi} sections are left out (and nothing else changes:
     * compare with {@link #withoutPinnedConstants}).
     */
    public static SortedMap<String, String> generate(Path specFile, Path uapiTree) throws IOException, InterruptedException {
        Spec spec = Spec.parse(specFile);
        Path includeDir = specFile.toAbsolutePath().getParent().resolve("c");
        Path work = Files.createTempDirectory("kvmclockprobe-bindgen");
        try {
            List<MacroDef> macros = preprocess(spec, includeDir, work);
            List<MacroDef> pinnedMacros = uapiTree == null ? null : preprocessPinned(spec, uapiTree, work);
            spec.expandPrefixes(macros, pinnedMacros);
            Map<String, BigInteger> values = probe(spec, includeDir, work);
            if (uapiTree != null) {
                values.putAll(probePinned(spec, uapiTree, work, values));
            }
            return new Emitter(spec, values).emitAll();
        } finally {
            deleteTree(work);
        }
    }

    // ------------------------------------------------------------------ the pinned uapi tree

    /** Overrides where the pinned uapi tree's include directory is (a directory with {@code linux/kvm.h}). */
    public static final String UAPI_TREE_ENV = "KVMCLOCK_UAPI_TREE";

    /** Marks, in a generated constant's Javadoc, a value read from the pinned uapi tree. */
    static final String PINNED_MARK = " in the pinned uapi tree (";

    /** The lab's download cache ({@code scripts/lab/lib.sh}: {@code $KVMCLOCK_LAB_CACHE} or its default). */
    public static Path labCache() {
        String c = System.getenv("KVMCLOCK_LAB_CACHE");
        return Path.of(c == null || c.isBlank() ? "/var/cache/kvmclock-probe-lab" : c);
    }

    /** {@code PACKAGE=VERSION} of the spec's {@code uapi} directive, or {@code null} when it has none. */
    public static String uapiPin(Path specFile) throws IOException {
        Spec spec = Spec.parse(specFile);
        return spec.uapiPackage == null ? null : spec.uapiPackage + "=" + spec.uapiVersion;
    }

    /**
     * The include directory of the spec's pinned uapi tree: {@code $KVMCLOCK_UAPI_TREE}, else
     * {@code usr/include} of the package as {@code scripts/lab/lib.sh}'s {@code lab_unpack_deb}
     * leaves it in the lab's cache ({@code unpacked/PACKAGE_VERSION_ARCH}, complete); {@code null}
     * when it is not there (or the spec pins none).
     */
    public static Path uapiTree(Path specFile) throws IOException {
        Spec spec = Spec.parse(specFile);
        if (spec.uapiPackage == null) {
            return null;
        }
        String env = System.getenv(UAPI_TREE_ENV);
        if (env != null && !env.isBlank()) {
            Path p = Path.of(env);
            if (!Files.isRegularFile(p.resolve("linux/kvm.h"))) {
                throw new IllegalStateException(UAPI_TREE_ENV + "=" + env + " has no linux/kvm.h");
            }
            return p;
        }
        Path unpacked = labCache().resolve("unpacked");
        String stem = spec.uapiPackage + "_" + spec.uapiVersion.replace(":", "%3a") + "_";
        if (!Files.isDirectory(unpacked)) {
            return null;
        }
        try (Stream<Path> s = Files.list(unpacked)) {
            return s.filter(p -> p.getFileName().toString().startsWith(stem)
                            && !p.getFileName().toString().substring(stem.length()).contains("_")
                            && Files.isRegularFile(p.resolve(".complete"))
                            && Files.isRegularFile(p.resolve("usr/include/linux/kvm.h")))
                    .sorted().map(p -> p.resolve("usr/include")).findFirst().orElse(null);
        }
    }

    /** Upstream part of a Debian version: no epoch, no Debian revision ({@code 7.3.4-1~bpo13+1} is 7.3.4). */
    static String upstreamVersion(String debianVersion) {
        String v = debianVersion.substring(debianVersion.indexOf(':') + 1);
        int dash = v.lastIndexOf('-');
        return dash < 0 ? v : v.substring(0, dash);
    }

    /** Removes the constants read from the pinned uapi tree from a generated source (their Javadoc line and field). */
    public static String withoutPinnedConstants(String source) {
        StringBuilder b = new StringBuilder();
        List<String> lines = source.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith("    /** ") && l.contains(PINNED_MARK) && i + 1 < lines.size()
                    && lines.get(i + 1).startsWith("    public static final ")) {
                if (b.length() > 0 && b.charAt(b.length() - 1) == '\n' && b.length() > 1 && b.charAt(b.length() - 2) == '\n') {
                    b.setLength(b.length() - 1); // the blank line before the constant
                }
                i++;
                continue;
            }
            b.append(l).append('\n');
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ spec model

    enum Kind { FIELD, ARRAY, FLEX, REGION, NESTED, NESTEDARRAY, FLEXNESTED }

    record Member(Kind kind, String path, String type) {
        String javaName() { return path.replace('.', '_'); }
        boolean topLevel() { return !path.contains("."); }
    }

    record StructSpec(String tag, String header, List<Member> members) {}

    enum ConstKind { IOCTL, CONST, OPTIONAL }

    /** {@code pinned}: read from the pinned uapi tree (a {@code from-uapi} section). */
    record ConstSpec(String name, ConstKind kind, String header, String note, boolean pinned) {}

    record ConstClass(String name, List<ConstSpec> consts, List<PrefixSpec> prefixes) {}

    /** A prefix directive, remembered with its position so that expansion keeps spec order. */
    record PrefixSpec(String prefix, String header, String note, int position, boolean pinned) {}

    record ErrnoClass(String name, String header, List<String> names) {}

    record MacroDef(String name, String file, String body) {}

    static final class Spec {
        final List<String> prelude = new ArrayList<>();
        final List<ConstClass> constClasses = new ArrayList<>();
        final List<StructSpec> structs = new ArrayList<>();
        ErrnoClass errnos;
        /** The {@code uapi} directive: the Debian package and exact version of the pinned uapi tree. */
        String uapiPackage;
        String uapiVersion;
        /** Constant classes with a {@code from-uapi} section. */
        final Set<String> pinnedClasses = new HashSet<>();
        /** The headers of the {@code from-uapi} sections, in spec order. */
        final Set<String> pinnedHeaders = new LinkedHashSet<>();
        /** Names the host's headers define and a pinned prefix matches too: their values must agree. */
        final Set<String> crossChecked = new LinkedHashSet<>();

        static Spec parse(Path file) throws IOException {
            Spec s = new Spec();
            ConstClass cc = null;
            StructSpec st = null;
            ErrnoClass ec = null;
            String from = null;
            String note = "";
            boolean pinned = false;
            int lineNo = 0;
            for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lineNo++;
                String line = stripComment(raw).strip();
                if (line.isEmpty()) {
                    continue;
                }
                String[] w = line.split("\\s+");
                String kw = w[0];
                String where = file + ":" + lineNo + ": ";
                switch (kw) {
                    case "include" -> {
                        need(w, 2, where);
                        s.prelude.add("#include " + w[1]);
                    }
                    case "define" -> {
                        need(w, 2, where);
                        s.prelude.add("#define " + line.substring("define".length()).strip());
                    }
                    case "constants" -> {
                        need(w, 2, where);
                        cc = new ConstClass(w[1], new ArrayList<>(), new ArrayList<>());
                        s.constClasses.add(cc);
                        st = null;
                        ec = null;
                        from = null;
                    }
                    case "errnos" -> {
                        need(w, 2, where);
                        if (s.errnos != null) {
                            throw new IllegalArgumentException(where + "only one errnos class");
                        }
                        ec = new ErrnoClass(w[1], null, new ArrayList<>());
                        s.errnos = ec;
                        cc = null;
                        st = null;
                        from = null;
                    }
                    case "uapi" -> {
                        need(w, 3, where);
                        if (s.uapiPackage != null) {
                            throw new IllegalArgumentException(where + "only one uapi directive");
                        }
                        s.uapiPackage = w[1];
                        s.uapiVersion = w[2];
                    }
                    case "from", "from-uapi" -> {
                        need(w, 2, where);
                        pinned = kw.equals("from-uapi");
                        if (pinned && (cc == null || s.uapiPackage == null)) {
                            throw new IllegalArgumentException(where + "from-uapi needs a uapi directive before it and a constants class");
                        }
                        if (pinned) {
                            s.pinnedClasses.add(cc.name());
                            s.pinnedHeaders.add(w[1]);
                        }
                        from = w[1];
                        note = line.substring(line.indexOf(w[1]) + w[1].length()).strip();
                        if (ec != null) {
                            ec = new ErrnoClass(ec.name(), from, ec.names());
                            s.errnos = ec;
                        }
                    }
                    case "ioctl", "const", "const?", "prefix" -> {
                        if (cc == null || from == null) {
                            throw new IllegalArgumentException(where + kw + " outside a constants class with a `from`");
                        }
                        for (int i = 1; i < w.length; i++) {
                            if (kw.equals("prefix")) {
                                cc.prefixes().add(new PrefixSpec(w[i], from, note, cc.consts().size(), pinned));
                            } else {
                                ConstKind k = switch (kw) {
                                    case "ioctl" -> ConstKind.IOCTL;
                                    case "const" -> ConstKind.CONST;
                                    default -> ConstKind.OPTIONAL;
                                };
                                cc.consts().add(new ConstSpec(w[i], k, from, note, pinned));
                            }
                        }
                    }
                    case "names" -> {
                        if (ec == null || ec.header() == null) {
                            throw new IllegalArgumentException(where + "names outside an errnos class with a `from`");
                        }
                        ec.names().addAll(List.of(w).subList(1, w.length));
                    }
                    case "struct" -> {
                        need(w, 3, where);
                        st = new StructSpec(w[1], w[2], new ArrayList<>());
                        s.structs.add(st);
                        cc = null;
                        ec = null;
                    }
                    case "field", "array", "flex", "region", "nested", "nestedarray", "flexnested" -> {
                        if (st == null) {
                            throw new IllegalArgumentException(where + kw + " outside a struct");
                        }
                        Kind k = Kind.valueOf(kw.toUpperCase(java.util.Locale.ROOT));
                        boolean typed = k == Kind.NESTED || k == Kind.NESTEDARRAY || k == Kind.FLEXNESTED;
                        need(w, typed ? 3 : 2, where);
                        for (int i = typed ? 2 : 1; i < w.length; i++) {
                            st.members().add(new Member(k, w[i], typed ? w[1] : null));
                        }
                    }
                    default -> throw new IllegalArgumentException(where + "unknown directive " + kw);
                }
            }
            s.check();
            return s;
        }

        private void check() {
            Set<String> classes = new HashSet<>();
            for (ConstClass c : constClasses) {
                unique(classes, c.name());
            }
            if (errnos != null) {
                unique(classes, errnos.name());
            }
            Set<String> tags = new HashSet<>();
            for (StructSpec st : structs) {
                unique(classes, st.tag());
                tags.add(st.tag());
            }
            for (StructSpec st : structs) {
                Set<String> names = new HashSet<>();
                for (Member m : st.members()) {
                    if (!names.add(m.javaName())) {
                        throw new IllegalArgumentException("struct " + st.tag() + ": duplicate member " + m.javaName());
                    }
                    if (m.type() != null && !tags.contains(m.type())) {
                        throw new IllegalArgumentException("struct " + st.tag() + "." + m.path()
                                + ": struct " + m.type() + " is not in the spec");
                    }
                }
            }
        }

        private static void unique(Set<String> seen, String name) {
            if (!seen.add(name)) {
                throw new IllegalArgumentException("duplicate class " + name);
            }
        }

        /**
         * Expands prefix directives, in place, into constants, using the preprocessor's view of
         * the host's headers ({@code macros}) and of the pinned uapi tree ({@code pinnedMacros}).
         * Without the pinned tree ({@code null}) the {@code from-uapi} sections give nothing. A
         * pinned prefix's match that the class already has from the host's headers is not
         * repeated but remembered in {@link #crossChecked}.
         */
        void expandPrefixes(List<MacroDef> macros, List<MacroDef> pinnedMacros) {
            for (int ci = 0; ci < constClasses.size(); ci++) {
                ConstClass c = constClasses.get(ci);
                if (pinnedMacros == null) {
                    c.consts().removeIf(ConstSpec::pinned);
                    c.prefixes().removeIf(PrefixSpec::pinned);
                }
                if (c.prefixes().isEmpty()) {
                    continue;
                }
                Set<String> explicit = new HashSet<>();
                c.consts().forEach(k -> explicit.add(k.name()));
                List<ConstSpec> result = new ArrayList<>();
                Set<String> taken = new HashSet<>();
                int next = 0;
                for (PrefixSpec p : c.prefixes()) {
                    while (next < p.position()) {
                        ConstSpec k = c.consts().get(next++);
                        if (taken.add(k.name())) {
                            result.add(k);
                        }
                    }
                    int found = 0;
                    for (MacroDef m : p.pinned() ? pinnedMacros : macros) {
                        if (!m.name().startsWith(p.prefix()) || !fileMatches(m.file(), p.header())) {
                            continue;
                        }
                        if (p.pinned()) {
                            found++;
                            if (explicit.contains(m.name()) || taken.contains(m.name())) {
                                crossChecked.add(m.name());
                                continue;
                            }
                        }
                        if (!explicit.contains(m.name()) && taken.add(m.name())) {
                            result.add(new ConstSpec(m.name(), ConstKind.CONST, p.header(), p.note(), p.pinned()));
                            found += p.pinned() ? 0 : 1;
                        }
                    }
                    if (found == 0) {
                        throw new IllegalStateException("prefix " + p.prefix() + " matches no macro of " + p.header()
                                + (p.pinned() ? " in the pinned uapi tree" : ""));
                    }
                }
                while (next < c.consts().size()) {
                    ConstSpec k = c.consts().get(next++);
                    if (taken.add(k.name())) {
                        result.add(k);
                    }
                }
                constClasses.set(ci, new ConstClass(c.name(), result, new ArrayList<>()));
            }
        }

        private static String stripComment(String line) {
            for (int i = 0; i < line.length(); i++) {
                if (line.charAt(i) == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                    return line.substring(0, i);
                }
            }
            return line;
        }

        private static void need(String[] w, int n, String where) {
            if (w.length < n) {
                throw new IllegalArgumentException(where + w[0] + " needs " + (n - 1) + " argument(s)");
            }
        }
    }

    static boolean fileMatches(String file, String header) {
        String h = header.substring(1, header.length() - 1);
        return file.equals(h) || file.endsWith("/" + h);
    }

    // ------------------------------------------------------------------ the C side

    static String compiler() {
        String cc = System.getenv("CC");
        return cc == null || cc.isBlank() ? "cc" : cc.strip();
    }

    private static List<MacroDef> preprocess(Spec spec, Path includeDir, Path work)
            throws IOException, InterruptedException {
        Path src = work.resolve("prelude.c");
        Files.writeString(src, String.join("\n", spec.prelude) + "\n");
        return parseMacros(run(work, compiler(), "-E", "-dD", "-I", includeDir.toString(), src.toString()));
    }

    /** The object-like macros of {@code cc -E -dD} output, each with the file that defines it. */
    private static List<MacroDef> parseMacros(String out) {
        List<MacroDef> defs = new ArrayList<>();
        String file = "";
        for (String line : out.split("\n")) {
            if (line.startsWith("# ")) {
                int q1 = line.indexOf('"');
                int q2 = line.indexOf('"', q1 + 1);
                if (q1 > 0 && q2 > q1) {
                    file = line.substring(q1 + 1, q2);
                }
            } else if (line.startsWith("#define ")) {
                String rest = line.substring("#define ".length());
                int end = 0;
                while (end < rest.length() && (Character.isLetterOrDigit(rest.charAt(end)) || rest.charAt(end) == '_')) {
                    end++;
                }
                String name = rest.substring(0, end);
                if (end < rest.length() && rest.charAt(end) == '(') {
                    continue; // function-like
                }
                String body = rest.substring(end).strip();
                if (!body.isEmpty()) {
                    defs.add(new MacroDef(name, file, body));
                }
            }
        }
        return defs;
    }

    /** Writes, compiles and runs the probe; returns key to value. */
    private static Map<String, BigInteger> probe(Spec spec, Path includeDir, Path work)
            throws IOException, InterruptedException {
        StringBuilder c = new StringBuilder();
        c.append("/* generated by ").append(TOOL).append(" */\n");
        for (String p : spec.prelude) {
            c.append(p).append('\n');
        }
        c.append("#include <stdio.h>\n#include <stddef.h>\n");
        c.append("""
                #define P(key, x) do { if ((x) < 0) printf("%s=%lld\\n", key, (long long)(x)); \\
                    else printf("%s=%llu\\n", key, (unsigned long long)(x)); } while (0)
                #define ICE(x) _Static_assert((x) == (x), #x " is not an integer constant expression")
                #define SIGNED(x) ((__typeof__(x))-1 < 0)
                int main(void) {
                #ifdef LINUX_VERSION_MAJOR
                    P("version:linux.major", LINUX_VERSION_MAJOR);
                    P("version:linux.minor", LINUX_VERSION_PATCHLEVEL);
                    P("version:linux.sub", LINUX_VERSION_SUBLEVEL);
                #endif
                #ifdef __GLIBC__
                    P("version:glibc.major", __GLIBC__);
                    P("version:glibc.minor", __GLIBC_MINOR__);
                #endif
                #ifdef __XEN_LATEST_INTERFACE_VERSION__
                    P("version:xen", __XEN_LATEST_INTERFACE_VERSION__);
                #endif
                """);
        List<String> names = new ArrayList<>();
        for (ConstClass cc : spec.constClasses) {
            cc.consts().stream().filter(k -> !k.pinned()).forEach(k -> names.add(k.name()));
        }
        if (spec.errnos != null) {
            names.addAll(spec.errnos.names());
        }
        Set<String> optional = new HashSet<>();
        spec.constClasses.forEach(cc -> cc.consts().stream()
                .filter(k -> k.kind() == ConstKind.OPTIONAL).forEach(k -> optional.add(k.name())));
        for (String n : new LinkedHashSet<>(names)) {
            if (optional.contains(n)) {
                c.append("#ifdef ").append(n).append('\n');
            }
            c.append("    { ICE(").append(n).append("); P(\"const:").append(n).append("\", ").append(n).append("); }\n");
            if (optional.contains(n)) {
                c.append("#endif\n");
            }
        }
        for (StructSpec st : spec.structs) {
            String t = "struct " + st.tag();
            String ptr = "((" + t + " *)0)->";
            c.append("    P(\"sizeof:").append(st.tag()).append("\", sizeof(").append(t).append("));\n");
            c.append("    P(\"alignof:").append(st.tag()).append("\", _Alignof(").append(t).append("));\n");
            for (Member m : st.members()) {
                String key = st.tag() + ":" + m.path();
                c.append("    P(\"offset:").append(key).append("\", offsetof(").append(t).append(", ").append(m.path()).append("));\n");
                switch (m.kind()) {
                    case FIELD -> {
                        c.append("    _Static_assert(__builtin_classify_type(").append(ptr).append(m.path())
                                .append(") == 1, \"").append(key).append(" is not an integer\");\n");
                        c.append("    P(\"size:").append(key).append("\", sizeof(").append(ptr).append(m.path()).append("));\n");
                        c.append("    P(\"signed:").append(key).append("\", SIGNED(").append(ptr).append(m.path()).append("));\n");
                    }
                    case ARRAY, NESTEDARRAY -> {
                        c.append("    P(\"size:").append(key).append("\", sizeof(").append(ptr).append(m.path()).append("));\n");
                        c.append("    P(\"esize:").append(key).append("\", sizeof(").append(ptr).append(m.path()).append("[0]));\n");
                    }
                    case FLEX, FLEXNESTED ->
                        c.append("    P(\"esize:").append(key).append("\", sizeof(").append(ptr).append(m.path()).append("[0]));\n");
                    case REGION, NESTED ->
                        c.append("    P(\"size:").append(key).append("\", sizeof(").append(ptr).append(m.path()).append("));\n");
                }
                if (m.kind() == Kind.ARRAY || m.kind() == Kind.FLEX) {
                    c.append("    _Static_assert(__builtin_classify_type(").append(ptr).append(m.path())
                            .append("[0]) == 1, \"").append(key).append(" elements are not integers\");\n");
                    c.append("    P(\"signed:").append(key).append("\", SIGNED(").append(ptr).append(m.path()).append("[0]));\n");
                }
            }
        }
        c.append("    return 0;\n}\n");
        Path src = work.resolve("probe.c");
        Path exe = work.resolve("probe");
        Files.writeString(src, c.toString());
        run(work, compiler(), "-std=gnu11", "-I", includeDir.toString(), "-o", exe.toString(), src.toString());
        return parseValues(run(work, exe.toString()));
    }

    /** The compiler's flags for the pinned uapi tree alone: no system headers, the tree and its multiarch asm. */
    private static List<String> pinnedFlags(Path tree, Path work) throws IOException, InterruptedException {
        List<String> flags = new ArrayList<>(List.of("-nostdinc", "-I", tree.toString()));
        String multiarch = run(work, compiler(), "-print-multiarch").strip();
        if (!multiarch.isEmpty() && Files.isDirectory(tree.resolve(multiarch))) {
            flags.addAll(List.of("-I", tree.resolve(multiarch).toString()));
        }
        return flags;
    }

    /** The pinned tree's prelude: linux/version.h and each from-uapi header. */
    private static List<String> pinnedPrelude(Spec spec) {
        Set<String> headers = new LinkedHashSet<>();
        headers.add("<linux/version.h>");
        headers.addAll(spec.pinnedHeaders);
        return headers.stream().map(h -> "#include " + h).toList();
    }

    private static List<MacroDef> preprocessPinned(Spec spec, Path tree, Path work) throws IOException, InterruptedException {
        Path src = work.resolve("pinned-prelude.c");
        Files.writeString(src, String.join("\n", pinnedPrelude(spec)) + "\n");
        List<String> cmd = new ArrayList<>(List.of(compiler(), "-E", "-dD"));
        cmd.addAll(pinnedFlags(tree, work));
        cmd.add(src.toString());
        return parseMacros(run(work, cmd.toArray(String[]::new)));
    }

    /**
     * Compiles and runs the second probe, against the pinned uapi tree alone ({@code -nostdinc}):
     * the values of the from-uapi constants, as {@code const:NAME}. Checks that the tree is the
     * Linux version the pin names and that every cross-checked name has the host's value.
     */
    private static Map<String, BigInteger> probePinned(Spec spec, Path tree, Path work, Map<String, BigInteger> host)
            throws IOException, InterruptedException {
        StringBuilder c = new StringBuilder();
        c.append("/* generated by ").append(TOOL).append(": the pinned uapi tree ").append(spec.uapiPackage)
                .append(' ').append(spec.uapiVersion).append(" */\n");
        pinnedPrelude(spec).forEach(l -> c.append(l).append('\n'));
        c.append("""
                int printf(const char *, ...);
                #define P(key, x) do { if ((x) < 0) printf("%s=%lld\\n", key, (long long)(x)); \\
                    else printf("%s=%llu\\n", key, (unsigned long long)(x)); } while (0)
                #define ICE(x) _Static_assert((x) == (x), #x " is not an integer constant expression")
                int main(void) {
                    P("version:linux.major", LINUX_VERSION_MAJOR);
                    P("version:linux.minor", LINUX_VERSION_PATCHLEVEL);
                    P("version:linux.sub", LINUX_VERSION_SUBLEVEL);
                """);
        Set<String> names = new LinkedHashSet<>();
        Set<String> optional = new HashSet<>();
        for (ConstClass cc : spec.constClasses) {
            for (ConstSpec k : cc.consts()) {
                if (k.pinned()) {
                    names.add(k.name());
                    if (k.kind() == ConstKind.OPTIONAL) {
                        optional.add(k.name());
                    }
                }
            }
        }
        names.addAll(spec.crossChecked);
        for (String n : names) {
            if (optional.contains(n)) {
                c.append("#ifdef ").append(n).append('\n');
            }
            c.append("    { ICE(").append(n).append("); P(\"const:").append(n).append("\", ").append(n).append("); }\n");
            if (optional.contains(n)) {
                c.append("#endif\n");
            }
        }
        c.append("    return 0;\n}\n");
        Path src = work.resolve("pinned-probe.c");
        Path exe = work.resolve("pinned-probe");
        Files.writeString(src, c.toString());
        List<String> cmd = new ArrayList<>(List.of(compiler(), "-std=gnu11"));
        cmd.addAll(pinnedFlags(tree, work));
        cmd.addAll(List.of("-o", exe.toString(), src.toString()));
        run(work, cmd.toArray(String[]::new));
        Map<String, BigInteger> v = parseValues(run(work, exe.toString()));
        String linux = v.get("version:linux.major") + "." + v.get("version:linux.minor") + "." + v.get("version:linux.sub");
        if (!linux.equals(upstreamVersion(spec.uapiVersion))) {
            throw new IllegalStateException("the pinned uapi tree " + tree + " is Linux " + linux + ", not the "
                    + upstreamVersion(spec.uapiVersion) + " of " + spec.uapiPackage + " " + spec.uapiVersion);
        }
        for (String n : spec.crossChecked) {
            if (!v.get("const:" + n).equals(host.get("const:" + n))) {
                throw new IllegalStateException(n + " is " + v.get("const:" + n) + " in the pinned uapi tree but "
                        + host.get("const:" + n) + " in the host's headers");
            }
        }
        Map<String, BigInteger> out = new HashMap<>();
        v.forEach((k, x) -> out.put(k.startsWith("version:") ? "pinned" + k : k, x));
        spec.crossChecked.forEach(n -> out.remove("const:" + n));
        return out;
    }

    private static Map<String, BigInteger> parseValues(String out) {
        Map<String, BigInteger> values = new HashMap<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int eq = line.indexOf('=');
            values.put(line.substring(0, eq), new BigInteger(line.substring(eq + 1)));
        }
        return values;
    }

    static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        Path err = dir.resolve("stderr.txt");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", cmd));
        }
        if (p.exitValue() != 0) {
            throw new IOException("failed (exit " + p.exitValue() + "): " + String.join(" ", cmd) + "\n"
                    + Files.readString(err));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ the Java side

    static final class Emitter {
        private final Spec spec;
        private final Map<String, BigInteger> v;

        Emitter(Spec spec, Map<String, BigInteger> values) {
            this.spec = spec;
            this.v = values;
        }

        SortedMap<String, String> emitAll() {
            SortedMap<String, String> files = new TreeMap<>();
            for (ConstClass c : spec.constClasses) {
                files.put(c.name() + ".java", constants(c));
            }
            if (spec.errnos != null) {
                files.put(spec.errnos.name() + ".java", errnos(spec.errnos));
            }
            for (StructSpec st : spec.structs) {
                files.put(st.tag() + ".java", struct(st));
            }
            return files;
        }

        private long get(String key) {
            BigInteger b = v.get(key);
            if (b == null) {
                throw new IllegalStateException("the probe printed no " + key);
            }
            return b.longValueExact();
        }

        private String versions(Set<String> headers) {
            List<String> parts = new ArrayList<>();
            boolean linux = headers.stream().anyMatch(h -> h.startsWith("<linux/") || h.startsWith("<asm/"));
            boolean xen = headers.stream().anyMatch(h -> h.startsWith("<xen/"));
            boolean libc = headers.stream().anyMatch(h -> h.startsWith("<") && !h.startsWith("<linux/")
                    && !h.startsWith("<asm/") && !h.startsWith("<xen/"));
            boolean internal = headers.stream().anyMatch(h -> h.startsWith("\""));
            if (linux || internal) {
                parts.add("Linux uapi headers " + get("version:linux.major") + "." + get("version:linux.minor")
                        + "." + get("version:linux.sub"));
            }
            if (xen) {
                parts.add(String.format("Xen public headers, interface 0x%08x", get("version:xen")));
            }
            if (libc) {
                parts.add("glibc " + get("version:glibc.major") + "." + get("version:glibc.minor"));
            }
            return String.join(", ", parts);
        }

        private String banner(Set<String> headers) {
            return banner(headers, false);
        }

        private String banner(Set<String> headers, boolean pinned) {
            String tree = pinned ? "; and the pinned uapi tree " + spec.uapiPackage + " " + spec.uapiVersion : "";
            return "// Generated by " + TOOL + " from " + String.join(", ", headers)
                    + " (" + versions(headers) + tree + "); do not edit.\n"
                    + "// Regenerate with kvm-bindings/regenerate; the spec is kvm-bindings/src/gen/bindings.spec.\n";
        }

        private static String code(String s) {
            return "{@code " + s + "}";
        }

        // ---- constants

        private String constants(ConstClass c) {
            // the host's headers only: the same with or without the pinned tree
            Set<String> headers = new LinkedHashSet<>();
            c.consts().stream().filter(k -> !k.pinned()).forEach(k -> headers.add(k.header()));
            StringBuilder b = new StringBuilder();
            b.append(banner(headers, spec.pinnedClasses.contains(c.name())));
            b.append("package ").append(PACKAGE).append(";\n\n");
            b.append("/**\n * Constants from ");
            b.append(String.join(", ", headers.stream().map(Emitter::code).toList()));
            b.append(", with the values the C compiler gives them.\n");
            b.append(" * <p>ioctl request numbers are {@code long}; other constants are {@code int} when the value\n");
            b.append(" * fits a signed 32-bit int, else {@code long}.\n");
            if (spec.pinnedClasses.contains(c.name())) {
                b.append(" * <p>Constants whose Javadoc says \"in the pinned uapi tree\" come from ").append(spec.uapiPackage)
                        .append(' ').append(spec.uapiVersion).append(",\n * headers newer than the build host's")
                        .append(" (kvm-bindings/README.md).\n");
            }
            b.append(" */\n");
            b.append("public final class ").append(c.name()).append(" {\n\n");
            b.append("    private ").append(c.name()).append("() {}\n");
            for (ConstSpec k : c.consts()) {
                BigInteger value = v.get("const:" + k.name());
                if (value == null) {
                    if (k.kind() == ConstKind.OPTIONAL) {
                        continue;
                    }
                    throw new IllegalStateException("no value for " + k.name());
                }
                String from = "From " + code(k.header()) + (k.pinned()
                        ? PINNED_MARK + spec.uapiPackage + " " + spec.uapiVersion + ", Linux " + get("pinnedversion:linux.major")
                                + "." + get("pinnedversion:linux.minor") + "." + get("pinnedversion:linux.sub") + ")"
                        : "")
                        + (k.note().isEmpty() ? "" : " (" + k.note() + ")");
                b.append('\n');
                if (k.kind() == ConstKind.IOCTL) {
                    b.append("    /** ioctl {@code ").append(k.name()).append("}. ").append(from).append(". */\n");
                    b.append("    public static final long ").append(k.name()).append(" = ")
                            .append(hexLong(value)).append(";\n");
                } else {
                    b.append("    /** {@code ").append(k.name()).append("}. ").append(from).append(". */\n");
                    boolean fitsInt = value.bitLength() < 32;
                    b.append("    public static final ").append(fitsInt ? "int " : "long ").append(k.name()).append(" = ")
                            .append(literal(value, fitsInt)).append(";\n");
                }
            }
            b.append("}\n");
            return b.toString();
        }

        private static String hexLong(BigInteger value) {
            return "0x" + Long.toHexString(value.longValue()) + "L";
        }

        private static String literal(BigInteger value, boolean isInt) {
            String suffix = isInt ? "" : "L";
            if (value.signum() < 0 || value.compareTo(BigInteger.valueOf(4096)) < 0) {
                if (value.bitLength() >= 64) {
                    return "0x" + Long.toHexString(value.longValue()) + suffix;
                }
                return value + suffix;
            }
            return "0x" + Long.toHexString(value.longValue()) + suffix;
        }

        // ---- errno table

        private String errnos(ErrnoClass e) {
            TreeMap<Integer, String> byValue = new TreeMap<>();
            for (String n : e.names()) {
                int value = (int) get("const:" + n);
                if (value < 0 || value > 4095) {
                    throw new IllegalStateException(n + " = " + value + " is not a usable errno index");
                }
                byValue.putIfAbsent(value, n);
            }
            int size = byValue.lastKey() + 1;
            StringBuilder b = new StringBuilder();
            b.append(banner(Set.of(e.header())));
            b.append("package ").append(PACKAGE).append(";\n\n");
            b.append("/**\n * Names of the errno values ").append(code(e.header()))
                    .append(" defines, indexed by value.\n");
            b.append(" * <p>Where several names share a value the canonical one is kept");
            b.append(" (for example EAGAIN, not EWOULDBLOCK).\n */\n");
            b.append("public final class ").append(e.name()).append(" {\n\n");
            b.append("    private ").append(e.name()).append("() {}\n\n");
            b.append("    /** The errno name for each value, {@code null} where the header defines none. */\n");
            b.append("    public static final String[] NAMES = {\n");
            for (int i = 0; i < size; i++) {
                String n = byValue.get(i);
                b.append("        ").append(n == null ? "null" : '"' + n + '"').append(", // ").append(i).append('\n');
            }
            b.append("    };\n\n");
            b.append("    /** The name of {@code errno}, or {@code \"E\" + errno} when it has none. */\n");
            b.append("    public static String name(int errno) {\n");
            b.append("        String n = errno >= 0 && errno < NAMES.length ? NAMES[errno] : null;\n");
            b.append("        return n != null ? n : \"E\" + errno;\n");
            b.append("    }\n}\n");
            return b.toString();
        }

        // ---- structs

        private static String valueLayout(long size) {
            return switch ((int) size) {
                case 1 -> "ValueLayout.JAVA_BYTE";
                case 2 -> "ValueLayout.JAVA_SHORT_UNALIGNED";
                case 4 -> "ValueLayout.JAVA_INT_UNALIGNED";
                case 8 -> "ValueLayout.JAVA_LONG_UNALIGNED";
                default -> throw new IllegalStateException("no Java type for a " + size + "-byte integer");
            };
        }

        private static String javaType(long size) {
            return switch ((int) size) {
                case 1 -> "byte";
                case 2 -> "short";
                case 4 -> "int";
                case 8 -> "long";
                default -> throw new IllegalStateException("no Java type for a " + size + "-byte integer");
            };
        }

        private String cType(String key, long size) {
            return (get("signed:" + key) != 0 ? "signed " : "unsigned ") + (size * 8) + "-bit";
        }

        private String struct(StructSpec st) {
            String tag = st.tag();
            long sizeof = get("sizeof:" + tag);
            long alignof = get("alignof:" + tag);
            StringBuilder b = new StringBuilder();
            b.append(banner(Set.of(st.header())));
            b.append("package ").append(PACKAGE).append(";\n\n");
            b.append("import java.lang.foreign.GroupLayout;\n");
            b.append("import java.lang.foreign.MemoryLayout;\n");
            b.append("import java.lang.foreign.MemorySegment;\n");
            b.append("import java.lang.foreign.SegmentAllocator;\n");
            b.append("import java.lang.foreign.ValueLayout;\n");
            boolean needsObjects = st.members().stream()
                    .anyMatch(m -> m.kind() == Kind.ARRAY || m.kind() == Kind.NESTEDARRAY);
            if (needsObjects) {
                b.append("import java.util.Objects;\n");
            }
            b.append("\n/**\n * {@code struct ").append(tag).append("} from ").append(code(st.header()))
                    .append(": C sizeof ").append(sizeof).append(", alignof ").append(alignof).append(".\n");
            b.append(" * <p>Each member has a {@code NAME$offset} constant (C offsetof) and static accessors taking\n");
            b.append(" * the struct's segment. Members of nested structs and unions are flattened with {@code _}\n");
            b.append(" * ({@code io.port} is {@code io_port}); {@link #layout()} holds the top-level members only.\n");
            b.append(" * Accessors use unaligned layouts, so the struct may sit at any address. Integers map to the\n");
            b.append(" * Java type of their size; unsigned values are the caller's concern, as with jextract.\n */\n");
            b.append("public final class ").append(tag).append(" {\n\n");
            b.append("    private ").append(tag).append("() {}\n\n");

            // layout
            List<Member> top = new ArrayList<>(st.members().stream().filter(Member::topLevel).toList());
            top.sort(Comparator.comparingLong(m -> get("offset:" + tag + ":" + m.path())));
            List<String> elements = new ArrayList<>();
            long pos = 0;
            for (Member m : top) {
                String key = tag + ":" + m.path();
                long off = get("offset:" + key);
                if (off < pos) {
                    throw new IllegalStateException(key + " at " + off + " overlaps the member before it (ends at " + pos + ")");
                }
                if (off > pos) {
                    elements.add("MemoryLayout.paddingLayout(" + (off - pos) + ")");
                }
                String name = ".withName(\"" + m.javaName() + "\")";
                long size;
                switch (m.kind()) {
                    case FIELD -> {
                        size = get("size:" + key);
                        elements.add(valueLayout(size) + name);
                    }
                    case ARRAY -> {
                        size = get("size:" + key);
                        long es = get("esize:" + key);
                        elements.add("MemoryLayout.sequenceLayout(" + (size / es) + ", " + valueLayout(es) + ")" + name);
                    }
                    case FLEX -> {
                        size = 0;
                        elements.add("MemoryLayout.sequenceLayout(0, " + valueLayout(get("esize:" + key)) + ")" + name);
                    }
                    case REGION -> {
                        size = get("size:" + key);
                        elements.add("MemoryLayout.sequenceLayout(" + size + ", ValueLayout.JAVA_BYTE)" + name);
                    }
                    case NESTED -> {
                        size = nestedSize(key, m);
                        elements.add(m.type() + ".layout()" + name);
                    }
                    case NESTEDARRAY -> {
                        size = get("size:" + key);
                        long es = nestedElementSize(key, m);
                        elements.add("MemoryLayout.sequenceLayout(" + (size / es) + ", " + m.type() + ".layout())" + name);
                    }
                    case FLEXNESTED -> {
                        size = 0;
                        nestedElementSize(key, m);
                        elements.add("MemoryLayout.sequenceLayout(0, " + m.type() + ".layout())" + name);
                    }
                    default -> throw new AssertionError(m.kind());
                }
                pos = off + size;
            }
            if (pos > sizeof) {
                throw new IllegalStateException(tag + ": members end at " + pos + " beyond sizeof " + sizeof);
            }
            if (pos < sizeof) {
                elements.add("MemoryLayout.paddingLayout(" + (sizeof - pos) + ")");
            }
            b.append("    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(\n");
            for (int i = 0; i < elements.size(); i++) {
                b.append("        ").append(elements.get(i)).append(i + 1 < elements.size() ? ",\n" : "\n");
            }
            b.append("    ).withName(\"").append(tag).append("\").withByteAlignment(").append(alignof).append(");\n\n");
            b.append("    /** The layout of {@code struct ").append(tag)
                    .append("}: byteSize is C sizeof, byteAlignment C alignof. */\n");
            b.append("    public static GroupLayout layout() { return $LAYOUT; }\n\n");
            b.append("    /** {@code sizeof(struct ").append(tag).append(")}. */\n");
            b.append("    public static long sizeof() { return ").append(sizeof).append("L; }\n\n");
            b.append("    /** Allocates one zeroed struct. */\n");
            b.append("    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate($LAYOUT); }\n\n");
            b.append("    /** Allocates a zeroed array of {@code count} structs. */\n");
            b.append("    public static MemorySegment allocateArray(long count, SegmentAllocator allocator) {\n");
            b.append("        return allocator.allocate(MemoryLayout.sequenceLayout(count, $LAYOUT));\n    }\n");

            for (Member m : st.members()) {
                b.append('\n');
                accessors(b, tag, m);
            }
            b.append("}\n");
            return b.toString();
        }

        private long nestedSize(String key, Member m) {
            long size = get("size:" + key);
            if (size != get("sizeof:" + m.type())) {
                throw new IllegalStateException(key + " is " + size + " bytes, struct " + m.type() + " "
                        + get("sizeof:" + m.type()));
            }
            return size;
        }

        private long nestedElementSize(String key, Member m) {
            long size = get("esize:" + key);
            if (size != get("sizeof:" + m.type())) {
                throw new IllegalStateException(key + " elements are " + size + " bytes, struct " + m.type() + " "
                        + get("sizeof:" + m.type()));
            }
            return size;
        }

        private void accessors(StringBuilder b, String tag, Member m) {
            String key = tag + ":" + m.path();
            String n = m.javaName();
            long off = get("offset:" + key);
            String c = "{@code " + m.path() + "}";
            switch (m.kind()) {
                case FIELD -> {
                    long size = get("size:" + key);
                    String vl = valueLayout(size);
                    String jt = javaType(size);
                    b.append("    /** Offset of ").append(c).append(" (").append(cType(key, size)).append("). */\n");
                    b.append("    public static final long ").append(n).append("$offset = ").append(off).append("L;\n\n");
                    b.append("    /** Gets ").append(c).append(". */\n");
                    b.append("    public static ").append(jt).append(' ').append(n).append("(MemorySegment struct) { return struct.get(")
                            .append(vl).append(", ").append(n).append("$offset); }\n\n");
                    b.append("    /** Sets ").append(c).append(". */\n");
                    b.append("    public static void ").append(n).append("(MemorySegment struct, ").append(jt)
                            .append(" fieldValue) { struct.set(").append(vl).append(", ").append(n)
                            .append("$offset, fieldValue); }\n");
                }
                case ARRAY -> {
                    long size = get("size:" + key);
                    long es = get("esize:" + key);
                    long count = size / es;
                    String vl = valueLayout(es);
                    String jt = javaType(es);
                    b.append("    /** Offset of ").append(c).append(" (").append(count).append(" x ").append(cType(key, es))
                            .append("). */\n");
                    b.append("    public static final long ").append(n).append("$offset = ").append(off).append("L;\n\n");
                    b.append("    /** Number of elements of ").append(c).append(". */\n");
                    b.append("    public static final long ").append(n).append("$count = ").append(count).append("L;\n\n");
                    b.append("    /** The ").append(size).append(" bytes of ").append(c).append(". */\n");
                    b.append("    public static MemorySegment ").append(n).append("(MemorySegment struct) { return struct.asSlice(")
                            .append(n).append("$offset, ").append(size).append("L); }\n\n");
                    b.append("    /** Gets ").append(c).append("[index]. */\n");
                    b.append("    public static ").append(jt).append(' ').append(n).append("(MemorySegment struct, long index) {\n");
                    b.append("        return struct.get(").append(vl).append(", ").append(n).append("$offset + Objects.checkIndex(index, ")
                            .append(n).append("$count) * ").append(es).append("L);\n    }\n\n");
                    b.append("    /** Sets ").append(c).append("[index]. */\n");
                    b.append("    public static void ").append(n).append("(MemorySegment struct, long index, ").append(jt)
                            .append(" elementValue) {\n");
                    b.append("        struct.set(").append(vl).append(", ").append(n).append("$offset + Objects.checkIndex(index, ")
                            .append(n).append("$count) * ").append(es).append("L, elementValue);\n    }\n");
                }
                case FLEX -> {
                    long es = get("esize:" + key);
                    String vl = valueLayout(es);
                    String jt = javaType(es);
                    b.append("    /** Offset of the flexible array ").append(c).append(" (").append(cType(key, es))
                            .append(" elements): allocate {@code sizeof() + n * ").append(es).append("}. */\n");
                    b.append("    public static final long ").append(n).append("$offset = ").append(off).append("L;\n\n");
                    b.append("    /** Gets ").append(c).append("[index]. */\n");
                    b.append("    public static ").append(jt).append(' ').append(n).append("(MemorySegment struct, long index) {\n");
                    b.append("        return struct.get(").append(vl).append(", ").append(n).append("$offset + index * ")
                            .append(es).append("L);\n    }\n\n");
                    b.append("    /** Sets ").append(c).append("[index]. */\n");
                    b.append("    public static void ").append(n).append("(MemorySegment struct, long index, ").append(jt)
                            .append(" elementValue) {\n");
                    b.append("        struct.set(").append(vl).append(", ").append(n).append("$offset + index * ")
                            .append(es).append("L, elementValue);\n    }\n");
                }
                case REGION -> {
                    long size = get("size:" + key);
                    b.append("    /** Offset of ").append(c).append(" (").append(size).append(" bytes). */\n");
                    b.append("    public static final long ").append(n).append("$offset = ").append(off).append("L;\n\n");
                    b.append("    /** The ").append(size).append(" bytes of ").append(c).append(". */\n");
                    b.append("    public static MemorySegment ").append(n).append("(MemorySegment struct) { return struct.asSlice(")
                            .append(n).append("$offset, ").append(size).append("L); }\n");
                }
                case NESTED -> {
                    nestedSize(key, m);
                    b.append("    /** Offset of ").append(c).append(" (a {@link ").append(m.type()).append("}). */\n");
                    b.append("    public static final long ").append(n).append("$offset = ").append(off).append("L;\n\n");
                    b.append("    /** The {@link ").append(m.type()).append("} ").append(c).append(". */\n");
                    b.append("    public static MemorySegment ").append(n).append("(MemorySegment struct) { return struct.asSlice(")
                            .append(n).append("$offset, ").append(m.type()).append(".sizeof()); }\n");
                }
                case NESTEDARRAY -> {
                    long es = nestedElementSize(key, m);
                    long count = get("size:" + key) / es;
                    b.append("    /** Offset of ").append(c).append(" (").append(count).append(" x {@link ").append(m.type())
                            .append("}). */\n");
                    b.append("    public static final long ").append(n).append("$offset = ").append(off).append("L;\n\n");
                    b.append("    /** Number of elements of ").append(c).append(". */\n");
                    b.append("    public static final long ").append(n).append("$count = ").append(count).append("L;\n\n");
                    b.append("    /** The {@link ").append(m.type()).append("} ").append(c).append("[index]. */\n");
                    b.append("    public static MemorySegment ").append(n).append("(MemorySegment struct, long index) {\n");
                    b.append("        return struct.asSlice(").append(n).append("$offset + Objects.checkIndex(index, ").append(n)
                            .append("$count) * ").append(m.type()).append(".sizeof(), ").append(m.type()).append(".sizeof());\n    }\n");
                }
                case FLEXNESTED -> {
                    nestedElementSize(key, m);
                    b.append("    /** Offset of the flexible array ").append(c).append(" of {@link ").append(m.type())
                            .append("}: allocate {@code sizeof() + n * ").append(m.type()).append(".sizeof()}. */\n");
                    b.append("    public static final long ").append(n).append("$offset = ").append(off).append("L;\n\n");
                    b.append("    /** The {@link ").append(m.type()).append("} ").append(c).append("[index]. */\n");
                    b.append("    public static MemorySegment ").append(n).append("(MemorySegment struct, long index) {\n");
                    b.append("        return struct.asSlice(").append(n).append("$offset + index * ").append(m.type())
                            .append(".sizeof(), ").append(m.type()).append(".sizeof());\n    }\n");
                }
            }
        }
    }

    private BindingsGenerator() {}
}
