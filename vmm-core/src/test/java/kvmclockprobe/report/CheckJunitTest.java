package kvmclockprobe.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.xml.parsers.DocumentBuilderFactory;

import org.apache.maven.plugin.surefire.log.api.NullConsoleLogger;
import org.apache.maven.plugins.surefire.report.ReportTestCase;
import org.apache.maven.plugins.surefire.report.ReportTestSuite;
import org.apache.maven.plugins.surefire.report.TestSuiteXmlParser;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import kvmclockprobe.check.CheckReport;
import kvmclockprobe.check.Expectation;
import kvmclockprobe.check.TriggerResult;

/**
 * {@code check --junit}, read back by Maven Surefire's own JUnit XML parser (the one its report
 * plugin uses) and by the JDK's DOM parser: counts, one test case per trigger with the right
 * outcome, the reason as the message, the diagnostics as system-out.
 */
class CheckJunitTest {

    static CheckReport withAnError() {
        CheckReport mixed = Reports.mixed();
        List<TriggerResult> results = new ArrayList<>(mixed.results());
        results.add(new TriggerResult.Errored("kvmclock-msr-switch", Expectation.RESNAPSHOT, 1,
                "probe error: vCPU 0 hung: no doorbell for 2 s <&> \u0001", List.of("error: GuestFailure")));
        List<Double> wall = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) wall.add(1.5 + i);
        return new CheckReport(mixed.host(), mixed.settleS(), mixed.maxSettleS(), mixed.strict(), results, wall);
    }

    static List<ReportTestSuite> surefire(String xml) throws Exception {
        TestSuiteXmlParser parser = new TestSuiteXmlParser(new NullConsoleLogger());
        List<ReportTestSuite> suites = parser.parse(new InputStreamReader(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8));
        assertThat(parser.isValid()).as("Surefire's parser took it as a valid report").isTrue();
        return suites;
    }

    @Test
    void surefireReadsOneSuiteWithATestCasePerTrigger() throws Exception {
        CheckReport r = withAnError();
        List<ReportTestSuite> suites = surefire(CheckJunit.xml(r));
        assertThat(suites).hasSize(1);
        ReportTestSuite suite = suites.getFirst();
        assertThat(suite.getNumberOfTests()).isEqualTo(10);
        assertThat(suite.getNumberOfFailures()).isEqualTo(1);
        assertThat(suite.getNumberOfErrors()).isEqualTo(1);
        assertThat(suite.getNumberOfSkipped()).isEqualTo(3);
        Map<String, ReportTestCase> cases = suite.getTestCases().stream()
                .collect(Collectors.toMap(ReportTestCase::getName, Function.identity()));
        assertThat(cases.keySet()).containsExactlyInAnyOrderElementsOf(r.results().stream().map(TriggerResult::trigger).toList());

        assertThat(cases.get("set-clock").isSuccessful()).isTrue();
        ReportTestCase fail = cases.get("tsc-write");
        assertThat(fail.hasFailure()).isTrue();
        assertThat(fail.getFailureType()).isEqualTo("kernel");
        assertThat(fail.getFailureMessage()).contains("-1263 ns").endsWith("<&>");
        ReportTestCase error = cases.get("kvmclock-msr-switch");
        assertThat(error.hasError()).isTrue();
        assertThat(error.getFailureType()).isEqualTo("probe");
        assertThat(error.getFailureMessage()).contains("vCPU 0 hung").contains("<&>").endsWith("\uFFFD");
        assertThat(cases.get("migration").hasSkipped()).isTrue();
        assertThat(cases.get("migration").getFailureMessage()).isEqualTo("needs a second host");
        assertThat(cases.get("tsc-scaling").getTime()).isEqualTo(2.5f);
    }

    @Test
    void diagnosticsAreTheSystemOutAndHostFactsTheProperties() throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(CheckJunit.xml(withAnError()).getBytes(StandardCharsets.UTF_8)));
        Element suite = doc.getDocumentElement();
        assertThat(suite.getTagName()).isEqualTo("testsuite");
        assertThat(suite.getAttribute("time")).isEqualTo(String.format(java.util.Locale.ROOT, "%.3f", 10 * 1.5 + 45.0));
        Element xen = null;
        for (int i = 0; i < suite.getElementsByTagName("testcase").getLength(); i++) {
            Element c = (Element) suite.getElementsByTagName("testcase").item(i);
            if (c.getAttribute("name").equals("xen-shared-info")) xen = c;
        }
        assertThat(xen).isNotNull();
        String out = xen.getElementsByTagName("system-out").item(0).getTextContent();
        assertThat(out.lines().toList()).contains("observed jump +12 ns, predicted +10 ns ± 5 ns (a correct kernel does not move the guest clock here)",
                "wallclock check (xen_shinfo_test): shared_info wallclock + kvmclock within [realtime before, realtime after]");
        assertThat(out.lines()).anyMatch(l -> l.startsWith("shared_info wallclock: ") && l.endsWith("step 987654 ns"));
        List<String> properties = new ArrayList<>();
        for (int i = 0; i < suite.getElementsByTagName("property").getLength(); i++) {
            Element p = (Element) suite.getElementsByTagName("property").item(i);
            properties.add(p.getAttribute("name") + "=" + p.getAttribute("value"));
        }
        assertThat(properties).contains("kernel_release=6.18.44", "clocksource=tsc", "tsc_khz=2400000", "settle=10 s");
    }
}
