namespace Bot.Targets.Config;

/// <summary>Where a config var's value began, on targets that keep every release's config (Lambda versions, Cloud Run revisions).</summary>
public static class ConfigHistory
{
    /// <summary>
    /// The index of the oldest release of the unbroken run, from the live one back (<paramref name="newestFirst"/>), that
    /// has the value (<paramref name="same"/>); -1 when the live one lacks it, or when the run reaches past the releases
    /// read (<paramref name="complete"/> false), where it began is not known.
    /// </summary>
    public static int SetIn<T>(IReadOnlyList<T> newestFirst, Func<T, bool> same, bool complete)
    {
        var i = 0;
        while (i < newestFirst.Count && same(newestFirst[i])) i++;
        return i == 0 || (i == newestFirst.Count && !complete) ? -1 : i - 1;
    }
}
