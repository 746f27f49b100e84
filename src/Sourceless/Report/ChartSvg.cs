using System.Globalization;
using System.Text;
using Sourceless.Experiments;
using static System.Net.WebUtility;

namespace Sourceless.Report;

/// <summary>Inline SVG figures (no script, no external resource: the report opens offline).</summary>
public static class ChartSvg
{
    public static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>The essay's chart, measured: concerns on the x axis, 0-100, one bar per contender;
    /// a concern (or a contender's bar) this run did not measure is drawn hatched, never as zero.</summary>
    public static string ConcernChart(ReportModel model)
    {
        var concerns = Concern.All;
        var contenders = model.Contenders;
        const int left = 50, top = 40, plotH = 300, groupW = 104, bottom = 110;
        int width = left + groupW * concerns.Count + 20, height = top + plotH + bottom;
        double barW = Math.Min(22, (groupW - 16.0) / Math.Max(1, contenders.Count));
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg id=\"concern-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"Scores per concern and contender, 0 to 100\">");
        sb.Append("<defs><pattern id=\"hatch\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" fill=\"#f4f4f4\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#cfcfcf\" stroke-width=\"3\"/></pattern></defs>");
        for (int g = 0; g <= 100; g += 20)
        {
            double y = top + plotH - plotH * g / 100.0;
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{F(y)}\" x2=\"{width - 20}\" y2=\"{F(y)}\" stroke=\"#e0e0e0\"/><text x=\"{left - 6}\" y=\"{F(y + 4)}\" text-anchor=\"end\" font-size=\"11\">{g}</text>");
        }
        for (int i = 0; i < concerns.Count; i++)
        {
            var c = concerns[i];
            double x0 = left + groupW * i + 8;
            if (!model.Measured(c))
            {
                sb.Append(CultureInfo.InvariantCulture, $"<g class=\"not-measured\"><rect x=\"{F(x0)}\" y=\"{top}\" width=\"{groupW - 16}\" height=\"{plotH}\" fill=\"url(#hatch)\"><title>{HtmlEncode(c.Title)}: not measured in this run</title></rect>");
                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(x0 + (groupW - 16) / 2.0)}\" y=\"{top + plotH / 2}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#777\">not measured</text></g>");
            }
            else
            {
                for (int k = 0; k < contenders.Count; k++)
                {
                    double x = x0 + k * barW;
                    if (model.Score(c, contenders[k]) is not { } score)
                    {
                        // Measured for others but not for this contender (no row of it, or only tool errors): hatched, never a zero bar.
                        sb.Append(CultureInfo.InvariantCulture, $"<rect class=\"not-measured-bar\" data-concern=\"{HtmlEncode(c.Id)}\" data-contender=\"{HtmlEncode(contenders[k])}\" x=\"{F(x)}\" y=\"{top}\" width=\"{F(barW - 2)}\" height=\"{plotH}\" fill=\"url(#hatch)\"><title>{HtmlEncode(contenders[k])} - {HtmlEncode(c.Title)}: not measured in this run</title></rect>");
                        continue;
                    }
                    double h = plotH * score / 100.0;
                    sb.Append(CultureInfo.InvariantCulture,
                        $"<rect class=\"bar\" data-concern=\"{HtmlEncode(c.Id)}\" data-contender=\"{HtmlEncode(contenders[k])}\" data-score=\"{F(score)}\" x=\"{F(x)}\" y=\"{F(top + plotH - h)}\" width=\"{F(barW - 2)}\" height=\"{F(Math.Max(h, 0.5))}\" fill=\"{Palette[k % Palette.Length]}\"><title>{HtmlEncode(contenders[k])} - {HtmlEncode(c.Title)}: {F(score)}</title></rect>");
                    sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(x + (barW - 2) / 2)}\" y=\"{F(top + plotH - h - 3)}\" text-anchor=\"middle\" font-size=\"9\">{score:0}</text>");
                }
            }
            double cx = left + groupW * i + groupW / 2.0;
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(cx)}\" y=\"{top + plotH + 16}\" text-anchor=\"middle\" font-size=\"11\">{c.Number}. {HtmlEncode(Short(c.Title))}</text>");
        }
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{top + plotH}\" x2=\"{width - 20}\" y2=\"{top + plotH}\" stroke=\"#333\"/>");
        for (int k = 0; k < contenders.Count; k++)
        {
            int lx = left + 10 + k * 170, ly = top + plotH + 50;
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{lx}\" y=\"{ly - 10}\" width=\"12\" height=\"12\" fill=\"{Palette[k % Palette.Length]}\"/><text x=\"{lx + 18}\" y=\"{ly}\" font-size=\"12\">{HtmlEncode(contenders[k])}</text>");
        }
        int hy = top + plotH + 74;
        sb.Append(CultureInfo.InvariantCulture, $"<g class=\"legend-hatch\"><rect x=\"{left + 10}\" y=\"{hy - 10}\" width=\"12\" height=\"12\" fill=\"url(#hatch)\" stroke=\"#bbb\"/><text x=\"{left + 28}\" y=\"{hy}\" font-size=\"12\">hatched: {HtmlEncode(ReportModel.NotMeasured)}</text></g>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"{top - 16}\" font-size=\"13\" font-weight=\"bold\">Compiler output vs direct binary generation, measured (0-100 per concern)</text>");
        sb.Append("</svg>");
        return sb.ToString();
    }

    private static string Short(string title) => title.Replace(" vs the compiler", "").Replace(" and linking", "").Replace("Security auditing", "Security");

    /// <summary>Horizontal bars: for each category (contender), one bar per series.</summary>
    public static string Bars(BarSeries bars, string id)
    {
        int rowH = 14, pad = 8, labelW = 190, plotW = 420;
        int rows = bars.Categories.Count * (bars.Series.Count + 1);
        int height = rows * rowH + 2 * pad + 20;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg class=\"bars\" id=\"{HtmlEncode(id)}\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {labelW + plotW + 80} {height}\" width=\"{labelW + plotW + 80}\" height=\"{height}\" role=\"img\" aria-label=\"{HtmlEncode(bars.Caption)}\">");
        double max = bars.Unit == "%" ? 100 : Math.Max(1e-9, bars.Series.SelectMany(s => s.Values).DefaultIfEmpty(1).Max());
        int y = pad;
        for (int c = 0; c < bars.Categories.Count; c++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{y + 10}\" font-size=\"11\" font-weight=\"bold\">{HtmlEncode(bars.Categories[c])}</text>");
            y += rowH;
            for (int s = 0; s < bars.Series.Count; s++)
            {
                double v = c < bars.Series[s].Values.Count ? bars.Series[s].Values[c] : 0;
                double w = plotW * v / max;
                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelW - 4}\" y=\"{y + 10}\" font-size=\"10\" text-anchor=\"end\">{HtmlEncode(bars.Series[s].Series)}</text>");
                sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{labelW}\" y=\"{y + 2}\" width=\"{F(Math.Max(w, 0.5))}\" height=\"{rowH - 4}\" fill=\"{Palette[s % Palette.Length]}\"><title>{HtmlEncode(bars.Categories[c])} {HtmlEncode(bars.Series[s].Series)}: {F(v)}{HtmlEncode(bars.Unit)}</title></rect>");
                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(labelW + w + 4)}\" y=\"{y + 10}\" font-size=\"10\">{F(v)}{HtmlEncode(bars.Unit)}</text>");
                y += rowH;
            }
        }
        sb.Append("</svg>");
        return sb.ToString();
    }

    /// <summary>One horizontal 100% bar per category, a segment per series, with a legend above.</summary>
    public static string StackedBars(BarSeries bars, string id)
    {
        int rowH = 20, pad = 8, labelW = 190, plotW = 420, legendH = 16 * ((bars.Series.Count + 2) / 3) + 6;
        int height = legendH + bars.Categories.Count * rowH + 2 * pad;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg class=\"bars stacked\" id=\"{HtmlEncode(id)}\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {labelW + plotW + 20} {height}\" width=\"{labelW + plotW + 20}\" height=\"{height}\" role=\"img\" aria-label=\"{HtmlEncode(bars.Caption)}\">");
        for (int s = 0; s < bars.Series.Count; s++)
        {
            int lx = labelW + s % 3 * 140, ly = pad + s / 3 * 16;
            sb.Append(CultureInfo.InvariantCulture, $"<g class=\"legend\"><rect x=\"{lx}\" y=\"{ly}\" width=\"10\" height=\"10\" fill=\"{StackColor(bars.Series[s].Series, s)}\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{lx + 14}\" y=\"{ly + 9}\" font-size=\"10\">{HtmlEncode(bars.Series[s].Series)}</text></g>");
        }
        int y = pad + legendH;
        for (int c = 0; c < bars.Categories.Count; c++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelW - 6}\" y=\"{y + 13}\" font-size=\"11\" text-anchor=\"end\">{HtmlEncode(bars.Categories[c])}</text>");
            double x = labelW, total = bars.Series.Sum(s => c < s.Values.Count ? s.Values[c] : 0);
            for (int s = 0; s < bars.Series.Count; s++)
            {
                double v = c < bars.Series[s].Values.Count ? bars.Series[s].Values[c] : 0;
                if (v <= 0) continue;
                double w = plotW * v / Math.Max(total, 1e-9);
                sb.Append(CultureInfo.InvariantCulture, $"<rect class=\"segment\" x=\"{F(x)}\" y=\"{y + 2}\" width=\"{F(w)}\" height=\"{rowH - 4}\" fill=\"{StackColor(bars.Series[s].Series, s)}\"><title>{HtmlEncode(bars.Categories[c])} {HtmlEncode(bars.Series[s].Series)}: {F(v)}{HtmlEncode(bars.Unit)}</title></rect>");
                x += w;
            }
            y += rowH;
        }
        sb.Append("</svg>");
        return sb.ToString();
    }

    /// <summary>Outcome colours that mean something (green harmless, red silent, greys for loud failures); others from the palette.</summary>
    private static string StackColor(string series, int index) => series switch
    {
        "benign" or "passed" => "#4caf50",
        "rejected_here" => "#2e7d32",
        "rejected_elsewhere" => "#9ccc65",
        "crashed" => "#ff9800",
        "timed_out" => "#795548",
        "killed_by_limit" => "#9e9e9e",
        "could_not_start" => "#607d8b",
        "wrong_output" => "#d32f2f",
        _ => Palette[index % Palette.Length],
    };
}
