package io.gevent4j.examples;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler;

/**
 * The demo's table as a PNG chart, with XChart: two bar charts side by side, requests/s per
 * backend, and p50 and p99 latency per backend.
 */
final class DemoChart {
  private static final int WIDTH = 480;
  private static final int HEIGHT = 360;

  private DemoChart() {}

  /**
   * Writes the chart, making the folder when missing.
   *
   * @param results each backend's figures
   * @param o the options the demo ran with (for the title)
   * @param png the file to write
   * @return {@code png}
   * @throws IOException when the file cannot be written
   */
  static Path write(List<BackendRun.Result> results, Demo.Options o, Path png) throws IOException {
    List<String> backends = results.stream().map(BackendRun.Result::backend).toList();
    String subtitle = o.connections() + " connections, " + Math.round(o.seconds()) + " s per backend";

    CategoryChart rate = chart("requests/s (" + subtitle + ")", "requests/s");
    rate.addSeries("requests/s", backends, results.stream().map(r -> Math.round(r.requestsPerSecond())).toList())
        .setFillColor(new Color(0x2f6fb0));
    rate.getStyler().setLegendVisible(false);

    CategoryChart latency = chart("latency", "ms");
    latency.addSeries("p50", backends, results.stream().map(r -> r.p50Nanos() / 1e6).toList()).setFillColor(new Color(0x59a14f));
    latency.addSeries("p99", backends, results.stream().map(r -> r.p99Nanos() / 1e6).toList()).setFillColor(new Color(0xe15759));
    latency.getStyler().setDecimalPattern("#,##0.00");

    Files.createDirectories(png.toAbsolutePath().getParent());
    try (OutputStream out = Files.newOutputStream(png)) {
      BitmapEncoder.saveBitmap(List.of(rate, latency), 1, 2, out, BitmapEncoder.BitmapFormat.PNG);
    }
    return png;
  }

  private static CategoryChart chart(String title, String yAxis) {
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).yAxisTitle(yAxis).build();
    CategoryStyler styler = chart.getStyler();
    styler.setLabelsVisible(true);
    styler.setLegendPosition(Styler.LegendPosition.InsideNW);
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setPlotGridVerticalLinesVisible(false);
    styler.setDecimalPattern("#,##0");
    styler.setYAxisMin(0.0);
    return chart;
  }
}
