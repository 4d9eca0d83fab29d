package io.gevent4j.bench.load;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.CategoryStyler;

/**
 * A load-harness result table (bench/load's scripts write it as TSV beside their output) drawn as
 * a PNG of bar charts with XChart: one panel per metric, and per connection count when the table
 * has a {@code conns} column with more than one value, under one title; in each panel a bar per
 * server, each server in the same colour throughout (gevent4j blue, Netty orange, the JDK grey).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.gevent4j.bench.load.ResultChart TSV PNG TITLE COLUMN=LABEL...
 * </pre>
 *
 * <p>The TSV's first line names the columns; the first column names the server. Each
 * {@code COLUMN=LABEL} draws the column {@code COLUMN} (numbers) in a panel titled {@code LABEL},
 * in the order given. Rows keep the table's order.
 */
public final class ResultChart {
  private static final int PANEL_WIDTH = 460;
  private static final int PANEL_HEIGHT = 330;
  /** The title's line and the legend's under it. */
  private static final int TITLE_HEIGHT = 62;

  private ResultChart() {}

  /**
   * Draws a TSV table as a PNG.
   *
   * @param args TSV, PNG, TITLE, then one COLUMN=LABEL per metric
   * @throws IOException when the TSV cannot be read or the PNG written
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 4) {
      System.err.println("usage: ResultChart TSV PNG TITLE COLUMN=LABEL... (e.g. rps=requests/s us_per_req='server µs/request')");
      System.exit(2);
    }
    System.setProperty("java.awt.headless", "true");
    Table table = Table.read(Path.of(args[0]));
    Map<String, String> metrics = new LinkedHashMap<>();
    for (int i = 3; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("not COLUMN=LABEL: " + args[i]);
      metrics.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    write(table, args[2], metrics, Path.of(args[1]));
  }

  /**
   * A TSV table as text.
   *
   * @param header the column names
   * @param rows the rows, each as many cells as the header
   */
  record Table(List<String> header, List<List<String>> rows) {
    static Table read(Path tsv) throws IOException {
      List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
      if (lines.size() < 2) throw new IllegalArgumentException(tsv + " has no rows");
      List<List<String>> rows = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) rows.add(List.of(line.split("\t", -1)));
      return new Table(List.of(lines.get(0).split("\t", -1)), rows);
    }

    int column(String name) {
      int i = header.indexOf(name);
      if (i < 0) throw new IllegalArgumentException("no column " + name + " in " + header);
      return i;
    }
  }

  /**
   * Draws {@code table}: a row of panels per metric, a column of panels per connection count.
   *
   * @param table the results
   * @param title the title above the panels
   * @param metrics column name to panel title, in panel order
   * @param png the file to write
   * @throws IOException when the file cannot be written
   */
  static void write(Table table, String title, Map<String, String> metrics, Path png) throws IOException {
    int conns = table.header().indexOf("conns");
    Set<String> counts = new LinkedHashSet<>();
    Set<String> servers = new LinkedHashSet<>();
    for (List<String> row : table.rows()) {
      servers.add(row.get(0));
      counts.add(conns < 0 ? "" : row.get(conns));
    }
    Map<String, Color> colours = colours(servers);
    List<CategoryChart> panels = new ArrayList<>();
    for (Map.Entry<String, String> metric : metrics.entrySet()) {
      int column = table.column(metric.getKey());
      for (String count : counts) {
        String panelTitle = metric.getValue() + (count.isEmpty() ? "" : ", " + count + (count.equals("1") ? " connection" : " connections"));
        CategoryChart chart = panel(panelTitle);
        String category = count.isEmpty() ? metric.getValue() : count + " conns";
        for (String server : servers) {
          for (List<String> row : table.rows()) {
            if (!row.get(0).equals(server) || !(conns < 0 || row.get(conns).equals(count))) continue;
            double value = Double.parseDouble(row.get(column));
            chart.addSeries(server, List.of(category), List.of(value)).setFillColor(colours.get(server));
          }
        }
        chart.getStyler().setDecimalPattern(maxOf(table, column) >= 100 ? "#,##0" : "#,##0.00");
        panels.add(chart);
      }
    }
    // A row per metric when there are several connection counts, else the metrics side by side;
    // the title above them all.
    int columns = counts.size() > 1 ? counts.size() : panels.size();
    int rows = (panels.size() + columns - 1) / columns;
    BufferedImage image = new BufferedImage(columns * PANEL_WIDTH, TITLE_HEIGHT + rows * PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.setColor(Color.BLACK);
      g.setFont(g.getFont().deriveFont(Font.BOLD, 15f));
      int width = g.getFontMetrics().stringWidth(title);
      g.drawString(title, Math.max(8, (image.getWidth() - width) / 2), 24);
      legend(g, colours, image.getWidth(), 50);
      for (int i = 0; i < panels.size(); i++) {
        Graphics2D panel = (Graphics2D) g.create((i % columns) * PANEL_WIDTH, TITLE_HEIGHT + (i / columns) * PANEL_HEIGHT, PANEL_WIDTH, PANEL_HEIGHT);
        try {
          panels.get(i).paint(panel, PANEL_WIDTH, PANEL_HEIGHT);
        } finally {
          panel.dispose();
        }
      }
    } finally {
      g.dispose();
    }
    Path parent = png.toAbsolutePath().getParent();
    if (parent != null) Files.createDirectories(parent);
    if (!ImageIO.write(image, "png", png.toFile())) throw new IOException("no PNG writer in this JDK");
  }

  /** A row of colour boxes and server names, centred, on the baseline {@code y}. */
  private static void legend(Graphics2D g, Map<String, Color> colours, int imageWidth, int y) {
    g.setFont(g.getFont().deriveFont(Font.PLAIN, 13f));
    var metrics = g.getFontMetrics();
    int box = 12;
    int gap = 22;
    int total = -gap;
    for (String server : colours.keySet()) total += box + 6 + metrics.stringWidth(server) + gap;
    int x = Math.max(8, (imageWidth - total) / 2);
    for (Map.Entry<String, Color> e : colours.entrySet()) {
      g.setColor(e.getValue());
      g.fillRect(x, y - box + 1, box, box);
      g.setColor(Color.BLACK);
      g.drawString(e.getKey(), x + box + 6, y);
      x += box + 6 + metrics.stringWidth(e.getKey()) + gap;
    }
  }

  private static CategoryChart panel(String title) {
    CategoryChart chart = new CategoryChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(title).build();
    CategoryStyler styler = chart.getStyler();
    styler.setLabelsVisible(true);
    styler.setLabelsRotation(0);
    styler.setLegendVisible(false); // one legend for all the panels, under the title
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setPlotGridVerticalLinesVisible(false);
    styler.setXAxisTicksVisible(false);
    styler.setYAxisMin(0.0);
    return chart;
  }

  private static double maxOf(Table table, int column) {
    return table.rows().stream().mapToDouble(r -> Double.parseDouble(r.get(column))).max().orElse(0);
  }

  /**
   * {@return each server's colour} By name: gevent4j on libev dark blue, on libuv light blue, Netty
   * orange, the JDK's virtual threads grey; any other server the next colour of a palette, in
   * the order the servers come.
   *
   * @param servers the servers, in the table's order
   */
  static Map<String, Color> colours(Set<String> servers) {
    Color[] palette = {new Color(0x59a14f), new Color(0xb07aa1), new Color(0x76b7b2), new Color(0xedc948), new Color(0xe15759),
        new Color(0x9c755f), new Color(0xff9da7)};
    Map<String, Color> colours = new LinkedHashMap<>();
    int next = 0;
    for (String server : servers) {
      Color c = switch (server) {
        case "gevent4j-libev", "gevent4j-http-libev" -> new Color(0x2f6fb0);
        case "gevent4j-libuv", "gevent4j-http-libuv" -> new Color(0x8cbce6);
        case "netty-epoll", "netty-http" -> new Color(0xf28e2b);
        case "jdk-virtual", "jdk-http-virtual" -> new Color(0x8c8c8c);
        default -> palette[next++ % palette.length];
      };
      colours.put(server, c);
    }
    return colours;
  }
}
