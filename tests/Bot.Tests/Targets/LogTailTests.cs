using Bot.Targets.Shell;
using Bot.Tests.Support;

namespace Bot.Tests.Targets;

public sealed class LogTailTests : IDisposable
{
    private readonly TempDir _dir = new("tail");

    private string Write(IEnumerable<string> lines, bool trailingNewline = true)
    {
        var path = _dir[$"{Guid.NewGuid():N}.log"];
        var text = string.Join('\n', lines);
        File.WriteAllText(path, trailingNewline ? text + "\n" : text);
        return path;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Reads_the_last_lines_across_block_boundaries(bool trailingNewline)
    {
        // Lines of varying length so they straddle the 64 KiB blocks.
        var lines = Enumerable.Range(1, 20_000).Select(i => $"{i} " + new string('x', i % 37)).ToList();
        var (tail, reachedStart) = await LogTail.ReadAsync(Write(lines, trailingNewline), 1500, null, long.MaxValue, default);
        Assert.Equal(lines.TakeLast(1500), tail);
        Assert.False(reachedStart);
    }

    [Fact]
    public async Task Returns_the_whole_file_when_it_is_short()
    {
        var (tail, reachedStart) = await LogTail.ReadAsync(Write(["one", "two"]), 10, null, long.MaxValue, default);
        Assert.Equal(["one", "two"], tail);
        Assert.True(reachedStart);
    }

    [Fact]
    public async Task Filters_and_stops_scanning_at_the_limit()
    {
        var lines = Enumerable.Range(1, 100_000).Select(i => i % 10_000 == 0 ? $"{i} ERROR" : $"{i} fine");
        var path = Write(lines);
        var (all, _) = await LogTail.ReadAsync(path, 3, "ERROR", long.MaxValue, default);
        Assert.Equal(["80000 ERROR", "90000 ERROR", "100000 ERROR"], all);
        var (some, reachedStart) = await LogTail.ReadAsync(path, 50, "ERROR", 128 * 1024, default);
        Assert.True(some.Count < 50);
        Assert.False(reachedStart);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task Finds_a_match_that_straddles_a_block_boundary(int cut)
    {
        // The reader's first block is the last 64 KiB; place "ERROR" so that boundary falls inside it (cut letters into the word).
        var head = string.Join('\n', Enumerable.Range(1, 3000).Select(i => $"before {i}")) + "\n";
        var line = "x" + new string('y', 100) + "ERROR here";
        var errorAt = line.IndexOf("ERROR", StringComparison.Ordinal);
        var fillerLength = 65536 + errorAt + cut - line.Length - 1;
        var text = head + line + "\n" + new string('t', fillerLength - 1) + "\n";
        Assert.Equal(head.Length + errorAt + cut, text.Length - 65536);
        var path = _dir[$"{Guid.NewGuid():N}.log"];
        await File.WriteAllTextAsync(path, text);
        var (found, _) = await LogTail.ReadAsync(path, 1, "error", long.MaxValue, default);
        Assert.Equal([line], found);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("long")]
    public async Task A_line_longer_than_several_blocks_is_carried_whole(string? grep)
    {
        // 200 KiB on one line: the partial line carried between 64 KiB blocks outgrows its buffer twice.
        var longLine = "long " + new string('z', 200 * 1024);
        var lines = Enumerable.Range(1, 5000).Select(i => $"early {i}").Append(longLine).Concat(Enumerable.Range(1, 3).Select(i => $"late {i}"));
        var (tail, _) = await LogTail.ReadAsync(Write(lines), 4, grep, long.MaxValue, default);
        var kept = longLine[..4000] + " …";
        Assert.Equal(grep is null ? [kept, "late 1", "late 2", "late 3"] : new[] { kept }, tail);
    }

    [Fact]
    public async Task Keeps_utf8_text_intact()
    {
        var (tail, _) = await LogTail.ReadAsync(Write(["デプロイ完了 ✅", "次へ"]), 2, null, long.MaxValue, default);
        Assert.Equal(["デプロイ完了 ✅", "次へ"], tail);
    }

    public void Dispose() => _dir.Dispose();
}
