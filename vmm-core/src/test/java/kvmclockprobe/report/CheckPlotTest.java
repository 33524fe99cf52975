package kvmclockprobe.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import kvmclockprobe.check.CheckReport;
import kvmclockprobe.check.Expectation;
import kvmclockprobe.testing.SyntheticMeasurement;
import kvmclockprobe.measurement.PlotPoint;
import kvmclockprobe.verdict.Status;
import kvmclockprobe.check.TriggerResult;

class CheckPlotTest {
    static final String SVG = "http://www.w3.org/2000/svg";
    /** Attributes that hold numbers (or lists of numbers) in what CheckPlot writes. */
    private static final Set<String> NUMERIC = Set.of("x", "y", "dy", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width",
            "height", "viewBox", "points", "transform", "font-size", "stroke-width", "stroke-dasharray");

    static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = f.newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
        Element root = doc.getDocumentElement();
        assertThat(root.getNamespaceURI()).isEqualTo(SVG);
        assertThat(root.getLocalName()).isEqualTo("svg");
        return doc;
    }

    static List<Element> panels(Document doc) {
        List<Element> out = new ArrayList<>();
        NodeList gs = doc.getElementsByTagNameNS(SVG, "g");
        for (int i = 0; i < gs.getLength(); i++) {
            Element g = (Element) gs.item(i);
            if (g.getAttribute("class").equals("panel")) out.add(g);
        }
        return out;
    }

    /** Every numeric attribute of every element is made of finite numbers. */
    static void assertNumbersFinite(Document doc) {
        NodeList all = doc.getElementsByTagNameNS("*", "*");
        int checked = 0;
        for (int i = 0; i < all.getLength(); i++) {
            NamedNodeMap attrs = all.item(i).getAttributes();
            for (int a = 0; a < attrs.getLength(); a++) {
                Node attr = attrs.item(a);
                String name = attr.getLocalName() == null ? attr.getNodeName() : attr.getLocalName();
                String value = attr.getNodeValue();
                if (!name.equals("data-trigger")) {
                    assertThat(value).as(name).doesNotContain("NaN").doesNotContain("Infinity");
                }
                if (!NUMERIC.contains(name)) continue;
                String numbers = value.replaceAll("^(translate|rotate)\\(|\\)$", "");
                for (String token : numbers.split("[ ,]+")) {
                    assertThat(Double.isFinite(Double.parseDouble(token))).as(name + "=" + value).isTrue();
                    checked++;
                }
            }
        }
        assertThat(checked).isPositive();
    }

    @Test
    void onePanelPerTriggerThatRanWithPlotPoints() throws Exception {
        CheckReport r = Reports.mixed();
        Document doc = parse(CheckPlot.svg(r));
        List<String> plotted = panels(doc).stream().map(g -> g.getAttribute("data-trigger")).toList();
        // skips have no panel, and neither has the pass without plot points
        assertThat(plotted).containsExactly("set-clock", "tsc-scaling", "tsc-write", "vcpu-hotplug", "xen-shared-info");
        assertNumbersFinite(doc);
        for (Element panel : panels(doc)) {
            assertThat(firstWithClass(panel, "exact-before")).isNotNull();
            assertThat(firstWithClass(panel, "samples")).isNotNull();
            assertThat(texts(panel)).anySatisfy(t -> assertThat(t).contains("guest clock − host raw ("));
            assertThat(texts(panel)).contains("time relative to the trigger (s)", "trigger");
            assertThat(texts(panel)).contains("0"); // the x axis has its 0, where the trigger is
        }
    }

    @Test
    void titleHasTriggerStatusAndJumps() throws Exception {
        Document doc = parse(CheckPlot.svg(Reports.mixed()));
        Element fail = panels(doc).get(2);
        String title = firstWithClass(fail, "panel-title").getTextContent();
        assertThat(title).contains("tsc-write", "FAIL", "observed -1263 ns", "predicted 0 ns");
    }

    @Test
    void textIsEscaped() throws Exception {
        String svg = CheckPlot.svg(Reports.mixed());
        assertThat(svg).contains("&lt;&amp;&gt;");
        Document doc = parse(svg);
        Element fail = panels(doc).get(2);
        assertThat(firstWithClass(fail, "panel-reason").getTextContent())
                .contains("master clock went on -> off").endsWith("<&>").contains("-1263 ns");
        assertThat(fail.getElementsByTagNameNS(SVG, "title").item(0).getTextContent()).endsWith("<&>");

        CheckReport nasty = new CheckReport(Reports.host(), 1.0, 30, false, List.of(Reports.measured(
                "a<b>&\"c'\u0001", Status.FAIL, "x < y && y > \"z\" \uD800 ]]> <!-- -->", Expectation.NO_JUMP,
                SyntheticMeasurement.measured().observedNs(1).plot(List.of(new PlotPoint(-1, 0), new PlotPoint(1, 1))), 2L, 5L)));
        Document d = parse(CheckPlot.svg(nasty));
        assertThat(panels(d)).singleElement().satisfies(g ->
                assertThat(g.getAttribute("data-trigger")).isEqualTo("a<b>&\"c'\uFFFD"));
    }

    @Test
    void theObservedJumpIsDrawnExactlyAtTheTriggerBesideThePrediction() throws Exception {
        Document doc = parse(CheckPlot.svg(Reports.mixed()));
        Element fail = panels(doc).get(2);
        double triggerX = Double.parseDouble(firstWithClass(fail, "trigger").getAttribute("x1"));
        Element jump = firstWithClass(fail, "observed-jump");
        assertThat(Double.parseDouble(jump.getAttribute("x1"))).isEqualTo(triggerX);
        assertThat(Double.parseDouble(jump.getAttribute("x2"))).isEqualTo(triggerX);
        // -1263 ns on an axis of about 1500 ns over 190 px: a step of well over 100 px, downwards (SVG y grows downwards)
        assertThat(Double.parseDouble(jump.getAttribute("y2")) - Double.parseDouble(jump.getAttribute("y1"))).isGreaterThan(100);
        assertThat(firstWithClass(fail, "observed-label").getTextContent()).isEqualTo("observed -1263 ns");
        Element predicted = firstWithClass(fail, "predicted-jump");
        // predicted 0 ns: level with the top of the jump
        assertThat(Double.parseDouble(predicted.getAttribute("y1"))).isCloseTo(Double.parseDouble(jump.getAttribute("y1")), org.assertj.core.data.Offset.offset(0.5));
        Element after = firstWithClass(fail, "exact-after");
        assertThat(Double.parseDouble(after.getAttribute("y1"))).isEqualTo(Double.parseDouble(jump.getAttribute("y2")));
        int samples = firstWithClass(fail, "samples").getElementsByTagNameNS(SVG, "circle").getLength();
        assertThat(samples).as("thinned to a few points per pixel column").isPositive().isLessThanOrEqualTo(4 * 800);
    }

    @Test
    void theHeadingFitsThePage() throws Exception {
        Document doc = parse(CheckPlot.svg(Reports.mixed()));
        // 15 px bold DejaVu Sans is at most about 9.5 px a character: 900 px hold about 90
        assertThat(firstWithClass(doc.getDocumentElement(), "heading").getTextContent().length()).isLessThanOrEqualTo(90);
        assertThat(firstWithClass(doc.getDocumentElement(), "totals").getTextContent()).isEqualTo("5 passed, 1 failed, 3 skipped");
    }

    @Test
    void degenerateAndNonFinitePlotsStaySafe() throws Exception {
        CheckReport r = new CheckReport(Reports.host(), 1.0, 30, false, List.of(
                withPlot("single", List.of(new PlotPoint(0.25, 17))),
                withPlot("single-at-zero", List.of(new PlotPoint(0, 0))),
                withPlot("constant", List.of(new PlotPoint(-1, 5), new PlotPoint(0, 5), new PlotPoint(1, 5))),
                withPlot("non-finite", List.of(new PlotPoint(Double.NaN, 1), new PlotPoint(-1, Double.POSITIVE_INFINITY),
                        new PlotPoint(-0.5, 3), new PlotPoint(0.5, Double.NaN), new PlotPoint(Double.NEGATIVE_INFINITY, 2),
                        new PlotPoint(0.7, -4), new PlotPoint(1, 1e300))),
                withPlot("all-nan", List.of(new PlotPoint(Double.NaN, Double.NaN))),
                withPlot("huge", List.of(new PlotPoint(-1e9, -9e18), new PlotPoint(1e9, 9e18))),
                withPlot("tiny", List.of(new PlotPoint(-1e-9, 1e-12), new PlotPoint(1e-9, 2e-12))),
                withPlot("empty", List.of())));
        String svg = CheckPlot.svg(r);
        Document doc = parse(svg);
        assertThat(panels(doc).stream().map(g -> g.getAttribute("data-trigger")).toList())
                .containsExactly("single", "single-at-zero", "constant", "non-finite", "all-nan", "huge", "tiny");
        assertNumbersFinite(doc);
        Element nonFinite = panels(doc).get(3);
        assertThat(firstWithClass(nonFinite, "samples").getElementsByTagNameNS(SVG, "circle").getLength()).isEqualTo(2);
        assertThat(texts(panels(doc).get(4))).contains("no finite plot points");
    }

    @Test
    void noPanelAtAllSaysNoTriggerRan() throws Exception {
        for (CheckReport r : List.of(Reports.allSkipped(), new CheckReport(Reports.host(), 1.0, 30, false, List.of()))) {
            Document doc = parse(CheckPlot.svg(r));
            assertThat(panels(doc)).isEmpty();
            assertThat(texts(doc.getDocumentElement())).contains("no trigger ran");
            assertNumbersFinite(doc);
        }
    }

    @Test
    void tickLabelsAreRoundNumbers() {
        assertThat(CheckPlot.niceStep(0.37)).isEqualTo(0.5);
        assertThat(CheckPlot.niceStep(1500)).isEqualTo(2000);
        assertThat(CheckPlot.niceStep(1)).isEqualTo(1);
        CheckPlot.Axis a = CheckPlot.Axis.of(-2, 2, 8, 0);
        assertThat(a.ticks()).containsExactly(-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0);
        assertThat(a.ticks().stream().map(a::label).toList())
                .containsExactly("−2.0", "−1.5", "−1.0", "−0.5", "0.0", "0.5", "1.0", "1.5", "2.0");
        assertThat(CheckPlot.format(-2.5e9, 0)).isEqualTo("−2.5e9");
        assertThat(CheckPlot.format(1e10, 0)).isEqualTo("1e10");
        assertThat(CheckPlot.format(-0.0001, 2)).isEqualTo("0.00");
        assertThat(Xml.num(Double.NaN)).isEqualTo("0");
        assertThat(Xml.num(-0.001)).isEqualTo("0");
        assertThat(Xml.num(12.50)).isEqualTo("12.5");
    }

    private static TriggerResult withPlot(String trigger, List<PlotPoint> plot) {
        return Reports.measured(trigger, Status.PASS, "r", Expectation.NO_JUMP, SyntheticMeasurement.measured().plot(plot), 0L, 5L);
    }

    private static List<String> texts(Element e) {
        List<String> out = new ArrayList<>();
        NodeList ts = e.getElementsByTagNameNS(SVG, "text");
        for (int i = 0; i < ts.getLength(); i++) out.add(ts.item(i).getTextContent());
        return out;
    }

    private static Element firstWithClass(Element e, String cls) {
        NodeList all = e.getElementsByTagNameNS(SVG, "*");
        for (int i = 0; i < all.getLength(); i++) {
            Element c = (Element) all.item(i);
            if (c.getAttribute("class").equals(cls)) return c;
        }
        throw new AssertionError("no element of class " + cls);
    }
}
