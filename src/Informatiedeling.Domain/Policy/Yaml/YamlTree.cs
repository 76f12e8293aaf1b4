using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Informatiedeling.Policy.Yaml;

/// <summary>A position in a source file, 1-based, for error messages.</summary>
public readonly record struct SourcePosition(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>A YAML node that remembers where it stood, so that every later error can name file, line and column.</summary>
public abstract record YamlNodeWithPosition(SourcePosition Position);

public sealed record YamlScalarNode(SourcePosition Position, string Value, bool Quoted) : YamlNodeWithPosition(Position)
{
    /// <summary>A plain <c>null</c>, <c>~</c> or empty value.</summary>
    public bool IsNull => !Quoted && Value is "" or "~" or "null" or "Null" or "NULL";
}

public sealed record YamlSequenceNode(SourcePosition Position, IReadOnlyList<YamlNodeWithPosition> Items) : YamlNodeWithPosition(Position);

public sealed record YamlMappingNode(SourcePosition Position, IReadOnlyList<KeyValuePair<YamlScalarNode, YamlNodeWithPosition>> Entries)
    : YamlNodeWithPosition(Position)
{
    public YamlNodeWithPosition? this[string key] =>
        Entries.FirstOrDefault(e => string.Equals(e.Key.Value, key, StringComparison.Ordinal)).Value;
}

/// <summary>
/// Reads one YAML document into a tree of positioned nodes. Policy files are plain data: anchors, aliases,
/// tags, complex keys and duplicate keys are refused, each with its position. So are files larger than
/// <see cref="PolicyLimits.MaxFileBytes"/> and collections nested deeper than <see cref="PolicyLimits.MaxDepth"/>:
/// the tree is built recursively, and a file nested without bound would otherwise end the process.
/// </summary>
public static class YamlTree
{
    public static YamlNodeWithPosition? Parse(string file, string text, PolicyDiagnostics diagnostics)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > PolicyLimits.MaxFileBytes && System.Text.Encoding.UTF8.GetByteCount(text) > PolicyLimits.MaxFileBytes)
        {
            diagnostics.Error(new SourcePosition(file, 1, 1), "PL007", PolicyLimits.FileTooLarge(System.Text.Encoding.UTF8.GetByteCount(text)));
            return null;
        }

        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                return null;
            }

            parser.Consume<DocumentStart>();
            var root = ReadNode(file, parser, diagnostics, depth: 0);
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _))
            {
                var at = Position(file, parser.Current!.Start);
                diagnostics.Error(at, "PL002", "a policy file holds exactly one YAML document; remove the second '---'");
            }

            return root;
        }
        catch (YamlException e)
        {
            var message = e.InnerException?.Message ?? e.Message;
            var bracket = message.IndexOf("): ", StringComparison.Ordinal);
            if (message.StartsWith('(') && bracket > 0)
            {
                message = message[(bracket + 3)..];
            }

            diagnostics.Error(Position(file, e.Start), "PL001", $"not valid YAML: {message}");
            return null;
        }
        catch (NestedTooDeepException e)
        {
            // The rest of the file is not read: one error at the first collection past the limit.
            diagnostics.Error(e.At, "PL006", $"collections are nested more than {PolicyLimits.MaxDepth} deep here; a policy file needs a few levels, flatten it");
            return null;
        }
    }

    private static YamlNodeWithPosition ReadNode(string file, IParser parser, PolicyDiagnostics diagnostics, int depth)
    {
        var current = parser.Current ?? throw new YamlException("unexpected end of file");
        var at = Position(file, current.Start);
        if (current is SequenceStart or MappingStart && depth >= PolicyLimits.MaxDepth)
        {
            throw new NestedTooDeepException(at);
        }

        if (current is NodeEvent { Anchor.IsEmpty: false } || current is AnchorAlias)
        {
            diagnostics.Error(at, "PL003", "anchors and aliases are not allowed in policy files; write the value out");
        }

        switch (current)
        {
            case Scalar scalar:
                parser.MoveNext();
                return new YamlScalarNode(at, scalar.Value, scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted);
            case SequenceStart:
            {
                parser.MoveNext();
                var items = new List<YamlNodeWithPosition>();
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    items.Add(ReadNode(file, parser, diagnostics, depth + 1));
                }

                return new YamlSequenceNode(at, items);
            }

            case MappingStart:
            {
                parser.MoveNext();
                var entries = new List<KeyValuePair<YamlScalarNode, YamlNodeWithPosition>>();
                var seen = new Dictionary<string, SourcePosition>(StringComparer.Ordinal);
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var keyNode = ReadNode(file, parser, diagnostics, depth + 1);
                    var value = ReadNode(file, parser, diagnostics, depth + 1);
                    if (keyNode is not YamlScalarNode key)
                    {
                        diagnostics.Error(keyNode.Position, "PL004", "a key must be a plain word");
                        continue;
                    }

                    if (seen.TryGetValue(key.Value, out var first))
                    {
                        diagnostics.Error(key.Position, "PL005", $"duplicate key '{key.Value}' (first at line {first.Line}); keep one");
                        continue;
                    }

                    seen[key.Value] = key.Position;
                    entries.Add(new(key, value));
                }

                return new YamlMappingNode(at, entries);
            }

            default:
                parser.MoveNext();
                diagnostics.Error(at, "PL003", "anchors and aliases are not allowed in policy files; write the value out");
                return new YamlScalarNode(at, "", false);
        }
    }

    private static SourcePosition Position(string file, Mark mark) => new(file, (int)mark.Line, (int)mark.Column);

    private sealed class NestedTooDeepException(SourcePosition at) : Exception
    {
        public SourcePosition At { get; } = at;
    }
}
