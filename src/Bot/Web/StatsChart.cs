using System.Globalization;
using System.Text;

namespace Bot.Web;

/// <summary>
/// One figure by week as an inline SVG bar chart, drawn here (no script, no library): it scales to the page's width,
/// each bar says its value in a <c>title</c>, the weeks of the period shown are solid and those of the period before pale.
/// </summary>
public static class StatsChart
{
    /// <summary>One bar: its value (null: nothing to measure that week), the text for it, and whether it is in the period shown.</summary>
    public sealed record Bar(double? Value, string Label, bool Current);

    private const double Width = 320, Height = 132, Left = 40, Right = 316, Top = 10, Bottom = 108;

    public static void Draw(StringBuilder sb, string id, string title, IReadOnlyList<Bar> bars, Func<double, string> axis)
    {
        var max = bars.Count == 0 ? 0 : bars.Max(b => b.Value ?? 0);
        var empty = bars.All(b => b.Value is null);
        if (max <= 0) max = 1;
        sb.Append("<svg id=\"").Append(id).Append("\" class=\"chart\" viewBox=\"0 0 ").Append(N(Width)).Append(' ').Append(N(Height))
          .Append("\" role=\"img\" aria-label=\"");
        Ansi.Escape(sb, title);
        sb.Append("\"><line class=\"axis\" x1=\"").Append(N(Left)).Append("\" y1=\"").Append(N(Bottom)).Append("\" x2=\"").Append(N(Right))
          .Append("\" y2=\"").Append(N(Bottom)).Append("\"/>");
        if (empty) Label(sb, (Left + Right) / 2, (Top + Bottom) / 2, "middle", "nothing to measure");
        else Label(sb, Left - 4, Top + 8, "end", axis(max));
        Label(sb, Left - 4, Bottom, "end", axis(0));
        var step = (Right - Left) / bars.Count;
        var width = Math.Max(2, step * 0.7);
        for (var i = 0; i < bars.Count; i++)
        {
            var bar = bars[i];
            var x = Left + i * step + (step - width) / 2;
            var h = bar.Value is { } v ? Math.Max(v / max * (Bottom - Top), v > 0 ? 1.5 : 0) : 0;
            sb.Append("<rect class=\"").Append(bar.Value is null ? "none" : bar.Current ? "cur" : "prev").Append("\" x=\"").Append(N(x))
              .Append("\" y=\"").Append(N(bar.Value is null ? Bottom - 1.5 : Bottom - h)).Append("\" width=\"").Append(N(width))
              .Append("\" height=\"").Append(N(bar.Value is null ? 1.5 : h)).Append("\"><title>");
            Ansi.Escape(sb, bar.Label);
            sb.Append("</title></rect>");
        }
        Label(sb, Left, Height - 6, "start", bars.Count > 1 ? $"{bars.Count} weeks ago" : "this week");
        Label(sb, Right, Height - 6, "end", "now");
        sb.Append("</svg>");
    }

    private static void Label(StringBuilder sb, double x, double y, string anchor, string text)
    {
        sb.Append("<text x=\"").Append(N(x)).Append("\" y=\"").Append(N(y)).Append("\" text-anchor=\"").Append(anchor).Append("\">");
        Ansi.Escape(sb, text);
        sb.Append("</text>");
    }

    private static string N(double v) => Math.Round(v, 1).ToString("0.#", CultureInfo.InvariantCulture);
}
