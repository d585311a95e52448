namespace Bot.Tests.Telemetry;

/// <summary>
/// A span of an OTLP <c>ExportTraceServiceRequest</c>, read by a minimal protobuf walker: resource_spans (1) → scope_spans
/// (2) → spans (2); a span's trace_id (1), span_id (2), parent_span_id (4), name (5), string attributes (9: key 1, value 2 → 1).
/// </summary>
public sealed record OtlpSpan(string TraceId, string SpanId, string ParentId, string Name, Dictionary<string, string> Attributes, string Service)
{
    public static IEnumerable<OtlpSpan> Read(byte[] request)
    {
        foreach (var (field, resourceSpans) in Fields(request))
        {
            if (field != 1) continue;
            var service = "";
            foreach (var (f, value) in Fields(resourceSpans))
            {
                if (f == 1) service = ReadAttributes(value, 1).GetValueOrDefault("service.name", "");
                if (f != 2) continue;
                foreach (var (g, span) in Fields(value))
                    if (g == 2) yield return Span(span, service);
            }
        }
    }

    private static OtlpSpan Span(byte[] span, string service)
    {
        string traceId = "", spanId = "", parentId = "", name = "";
        foreach (var (f, value) in Fields(span))
            switch (f)
            {
                case 1: traceId = Convert.ToHexString(value); break;
                case 2: spanId = Convert.ToHexString(value); break;
                case 4: parentId = Convert.ToHexString(value); break;
                case 5: name = System.Text.Encoding.UTF8.GetString(value); break;
            }
        return new OtlpSpan(traceId, spanId, parentId, name, ReadAttributes(span, 9), service);
    }

    /// <summary>The string-valued attributes of a message (field 9 of a span, 1 of a resource).</summary>
    private static Dictionary<string, string> ReadAttributes(byte[] message, int field)
    {
        var attributes = new Dictionary<string, string>();
        foreach (var (f, kv) in Fields(message))
        {
            if (f != field) continue;
            string? key = null, text = null;
            foreach (var (g, part) in Fields(kv))
                if (g == 1) key = System.Text.Encoding.UTF8.GetString(part);
                else if (g == 2) text = Fields(part).Where(p => p.Field == 1).Select(p => System.Text.Encoding.UTF8.GetString(p.Value)).FirstOrDefault();
            if (key is not null && text is not null) attributes[key] = text;
        }
        return attributes;
    }

    /// <summary>The length-delimited fields of a message (varints and fixed fields skipped).</summary>
    private static List<(int Field, byte[] Value)> Fields(byte[] data)
    {
        var fields = new List<(int, byte[])>();
        var i = 0;
        while (i < data.Length)
        {
            var tag = Varint(data, ref i);
            var field = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0: Varint(data, ref i); break;
                case 1: i += 8; break;
                case 5: i += 4; break;
                case 2:
                    var length = (int)Varint(data, ref i);
                    if (length < 0 || i + length > data.Length) throw new FormatException("length past the end");
                    fields.Add((field, data[i..(i + length)]));
                    i += length;
                    break;
                default: throw new FormatException($"wire type {tag & 7}");
            }
        }
        if (i != data.Length) throw new FormatException("ran past the end");
        return fields;
    }

    private static ulong Varint(byte[] data, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (i >= data.Length || shift > 63) throw new FormatException("bad varint");
            var b = data[i++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
    }
}
