package io.github.smmap4j.pack;

import java.util.List;
import java.util.Locale;

/**
 * The benchmarks' ratio chart, as SVG: one horizontal bar per comparison, its length the ratio
 * (other's time / smmap4j's), green where smmap4j is faster, red where slower, a dashed line at
 * 1×. Written by {@link PackBench} ({@code ratios.svg}) and {@link CliBench} ({@code cli-ratios-<name>.svg}).
 */
final class RatioChart {
    /** One bar: its label and ratio. */
    record Bar(String label, double ratio) {
    }

    private RatioChart() {
    }

    /** The chart of {@code bars} under {@code title}. */
    static String svg(String title, List<Bar> bars) {
        double max = bars.stream().mapToDouble(Bar::ratio).max().orElse(1);
        int h = 24;
        int w = 860;
        int labelWidth = 360;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n",
                w, bars.size() * h + 40));
        sb.append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
        sb.append("<text x=\"10\" y=\"16\">").append(escape(title)).append("</text>\n");
        double scale = (w - labelWidth - 70) / Math.max(max, 1);
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int y = 30 + i * h;
            sb.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\">%s</text>%n", y + 15, escape(b.label())));
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
                    labelWidth, y + 3, b.ratio() * scale, h - 6, b.ratio() >= 1 ? "#3a7" : "#c44"));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%.2f×</text>%n", labelWidth + 5 + b.ratio() * scale, y + 15, b.ratio()));
        }
        sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"26\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\" stroke-dasharray=\"3\"/>%n",
                labelWidth + scale, labelWidth + scale, bars.size() * h + 34));
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
