using System.Diagnostics;

namespace RealtimeSync.FunctionalTests.Infrastructure;

/// <summary>
/// Decodes OTLP's ExportTraceServiceRequest (opentelemetry/proto/collector/trace/v1) into spans: per
/// ResourceSpans the resource's <c>service.name</c>, per ScopeSpans each span's ids, name, kind and string attributes.
/// </summary>
public static class OtlpTraceReader
{
    public static List<CollectedSpan> Read(ReadOnlySpan<byte> request)
    {
        var spans = new List<CollectedSpan>();
        var reader = new ProtobufReader(request);
        while (reader.Next(out var field))
        {
            if (field == 1)
            {
                ReadResourceSpans(reader.ReadBytes(), spans);
            }
            else
            {
                reader.Skip();
            }
        }

        return spans;
    }

    private static void ReadResourceSpans(ReadOnlySpan<byte> resourceSpans, List<CollectedSpan> spans)
    {
        // The resource may come after the spans on the wire: read it first, then the spans.
        var service = string.Empty;
        var reader = new ProtobufReader(resourceSpans);
        while (reader.Next(out var field))
        {
            if (field == 1)
            {
                service = ReadAttributes(reader.ReadBytes(), attributesField: 1).GetValueOrDefault("service.name", string.Empty);
            }
            else
            {
                reader.Skip();
            }
        }

        reader = new ProtobufReader(resourceSpans);
        while (reader.Next(out var field))
        {
            if (field == 2)
            {
                ReadScopeSpans(reader.ReadBytes(), service, spans);
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private static void ReadScopeSpans(ReadOnlySpan<byte> scopeSpans, string service, List<CollectedSpan> spans)
    {
        var reader = new ProtobufReader(scopeSpans);
        while (reader.Next(out var field))
        {
            if (field == 2)
            {
                spans.Add(ReadSpan(reader.ReadBytes(), service));
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private static CollectedSpan ReadSpan(ReadOnlySpan<byte> span, string service)
    {
        string traceId = string.Empty, spanId = string.Empty, name = string.Empty;
        string? parentSpanId = null;
        var kind = 0;
        var attributes = new Dictionary<string, string>();
        var reader = new ProtobufReader(span);
        while (reader.Next(out var field))
        {
            switch (field)
            {
                case 1:
                    traceId = Convert.ToHexStringLower(reader.ReadBytes());
                    break;
                case 2:
                    spanId = Convert.ToHexStringLower(reader.ReadBytes());
                    break;
                case 4:
                    var parent = reader.ReadBytes();
                    parentSpanId = parent.IsEmpty ? null : Convert.ToHexStringLower(parent);
                    break;
                case 5:
                    name = reader.ReadString();
                    break;
                case 6:
                    kind = (int)reader.ReadVarint();
                    break;
                case 9:
                    AddAttribute(reader.ReadBytes(), attributes);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        // OTLP's SpanKind counts from UNSPECIFIED = 0, INTERNAL = 1; ActivityKind from Internal = 0.
        return new CollectedSpan(service, traceId, spanId, parentSpanId, name, attributes) { Kind = (ActivityKind)Math.Max(0, kind - 1) };
    }

    /// <summary>The string-valued KeyValues found at <paramref name="attributesField"/> of a message (a Resource's attributes are field 1).</summary>
    private static Dictionary<string, string> ReadAttributes(ReadOnlySpan<byte> message, int attributesField)
    {
        var attributes = new Dictionary<string, string>();
        var reader = new ProtobufReader(message);
        while (reader.Next(out var field))
        {
            if (field == attributesField)
            {
                AddAttribute(reader.ReadBytes(), attributes);
            }
            else
            {
                reader.Skip();
            }
        }

        return attributes;
    }

    /// <summary>A KeyValue (key = 1, value = 2: an AnyValue whose string_value is field 1); other value kinds are left out.</summary>
    private static void AddAttribute(ReadOnlySpan<byte> keyValue, Dictionary<string, string> attributes)
    {
        string? key = null, value = null;
        var reader = new ProtobufReader(keyValue);
        while (reader.Next(out var field))
        {
            switch (field)
            {
                case 1:
                    key = reader.ReadString();
                    break;
                case 2:
                    var any = new ProtobufReader(reader.ReadBytes());
                    while (any.Next(out var kind))
                    {
                        if (kind == 1)
                        {
                            value = any.ReadString();
                        }
                        else
                        {
                            any.Skip();
                        }
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (key is not null && value is not null)
        {
            attributes[key] = value;
        }
    }
}
