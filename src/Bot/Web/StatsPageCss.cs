namespace Bot.Web;

/// <summary>The stats page's style beside the log page's (same colours, light and dark): cards that stack, charts as wide as the screen.</summary>
public static class StatsPageCss
{
    public const string Css =
        "h2{font-size:1rem;margin:0 0 .2rem}" +
        ".fig{border:1px solid var(--line);border-radius:6px;margin:10px 0;padding:10px;background:var(--box)}" +
        ".now{margin:0;font-size:1.05rem}.now .value{font-size:1.3rem}.was,.counts{color:var(--mute)}.counts{margin:.2rem 0 .4rem;font-size:.9rem}" +
        ".better{color:var(--ok)}.worse{color:var(--err)}.same{color:var(--mute)}" +
        ".chart{display:block;width:100%;height:auto;max-width:40rem}.chart text{font-size:10px;fill:var(--mute)}" +
        ".chart .axis{stroke:var(--line)}.chart .cur{fill:var(--fg)}.chart .prev{fill:var(--mute);opacity:.45}.chart .none{fill:var(--line)}" +
        "#defs{font-size:.9rem;color:var(--mute)}#defs ul{padding-left:1.2rem}";
}
