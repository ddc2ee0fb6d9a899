namespace Gaia.Service;

/// <summary>A chat session as the API sees it: the body of <c>PUT /sessions/{id}</c> and of <c>GET</c>.</summary>
public sealed record Session(string Title, string Body)
{
    /// <summary>The fields that differ between two answers (for shadow reads); empty when they agree.</summary>
    public static IReadOnlyList<string> Diff(Session? a, Session? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null ? [] : ["(presence)"];
        }
        var fields = new List<string>(2);
        if (a.Title != b.Title)
        {
            fields.Add("title");
        }
        if (a.Body != b.Body)
        {
            fields.Add("body");
        }
        return fields;
    }
}
