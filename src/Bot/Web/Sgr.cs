namespace Bot.Web;

/// <summary>The graphic rendition a terminal would be in: 16 colours (256 and 24-bit ones map to the nearest), bold, dim, italic, underline.</summary>
internal struct Sgr
{
    private int _fg = -1, _bg = -1;
    private bool _bold, _dim, _italic, _underline;

    public Sgr() { }

    /// <summary>The classes for text in this rendition, or null for plain text.</summary>
    public readonly string? Classes()
    {
        if (_fg < 0 && _bg < 0 && !_bold && !_dim && !_italic && !_underline) return null;
        var parts = new List<string>(4);
        if (_fg >= 0) parts.Add("f" + _fg);
        if (_bg >= 0) parts.Add("g" + _bg);
        if (_bold) parts.Add("ab");
        if (_dim) parts.Add("ad");
        if (_italic) parts.Add("ai");
        if (_underline) parts.Add("au");
        return string.Join(' ', parts);
    }

    public void Apply(ReadOnlySpan<char> parameters)
    {
        Span<int> codes = stackalloc int[16];
        var count = 0;
        foreach (var range in parameters.Split(';'))
        {
            if (count == codes.Length) break;
            var part = parameters[range];
            codes[count++] = part.Length == 0 ? 0 : int.TryParse(part, out var n) ? n : -1;
        }
        if (count == 0) codes[count++] = 0;
        for (var i = 0; i < count; i++)
        {
            var c = codes[i];
            switch (c)
            {
                case 0: this = new Sgr(); break;
                case 1: _bold = true; break;
                case 2: _dim = true; break;
                case 3: _italic = true; break;
                case 4: _underline = true; break;
                case 22: _bold = _dim = false; break;
                case 23: _italic = false; break;
                case 24: _underline = false; break;
                case >= 30 and <= 37: _fg = c - 30; break;
                case 39: _fg = -1; break;
                case >= 40 and <= 47: _bg = c - 40; break;
                case 49: _bg = -1; break;
                case >= 90 and <= 97: _fg = c - 90 + 8; break;
                case >= 100 and <= 107: _bg = c - 100 + 8; break;
                case 38 or 48:
                    var colour = Extended(codes[..count], ref i);
                    if (colour >= 0) { if (c == 38) _fg = colour; else _bg = colour; }
                    break;
            }
        }
    }

    /// <summary><c>38;5;n</c> or <c>38;2;r;g;b</c>, as the nearest of the 16 colours.</summary>
    private static int Extended(ReadOnlySpan<int> codes, ref int i)
    {
        if (i + 2 < codes.Length && codes[i + 1] == 5)
        {
            var n = codes[i + 2];
            i += 2;
            return n switch
            {
                >= 0 and < 16 => n,
                >= 16 and < 232 => Nearest((n - 16) / 36 * 51, (n - 16) / 6 % 6 * 51, (n - 16) % 6 * 51),
                >= 232 and < 256 => n < 238 ? 0 : n < 244 ? 8 : n < 250 ? 7 : 15,
                _ => -1,
            };
        }
        if (i + 4 < codes.Length && codes[i + 1] == 2)
        {
            var colour = Nearest(codes[i + 2], codes[i + 3], codes[i + 4]);
            i += 4;
            return colour;
        }
        i = codes.Length;
        return -1;
    }

    private static int Nearest(int r, int g, int b)
    {
        var max = Math.Max(r, Math.Max(g, b));
        if (max < 64) return 0;
        var bits = (r > max / 2 ? 1 : 0) | (g > max / 2 ? 2 : 0) | (b > max / 2 ? 4 : 0);
        return bits + (max > 191 ? 8 : 0);
    }
}
