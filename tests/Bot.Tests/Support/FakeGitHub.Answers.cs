using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Bot.Tests.Support;

/// <summary>The answers of <see cref="FakeGitHub"/>: GitHub's own examples from its description, with the test's values put in.</summary>
public sealed partial class FakeGitHub
{
    private Task AnswerAsync(HttpContext context, GitHubOperation operation, string path, IReadOnlyDictionary<string, string> query, JsonNode? body, bool authenticated)
    {
        var parts = path.Split('/');
        var repository = $"{Uri.UnescapeDataString(parts[2])}/{Uri.UnescapeDataString(parts[3])}";
        lock (_gate)
            if (!_repositories.Contains(repository)) return ErrorAsync(context, 404, "Not Found");
        if (context.Request.Method != "GET" && !authenticated) return ErrorAsync(context, 401, "Requires authentication");
        return operation.Id switch
        {
            "repos/get-combined-status-for-ref" => CombinedStatusAsync(context, repository, Ref(operation, path)),
            "checks/list-for-ref" => CheckRunsAsync(context, repository, Ref(operation, path), path, query),
            "repos/create-deployment" => CreateDeploymentAsync(context, repository, body!),
            "repos/create-deployment-status" => CreateDeploymentStatusAsync(context, long.Parse(parts[5], CultureInfo.InvariantCulture), body!),
            _ => Unserved(context, operation),
        };
    }

    private static string Ref(GitHubOperation operation, string path) =>
        Uri.UnescapeDataString(operation.Pattern.Match(path).Groups[operation.PathNames.ToList().IndexOf("ref") + 1].Value);

    private Task Unserved(HttpContext context, GitHubOperation operation)
    {
        Violation($"{operation.Method} {operation.Template} ({operation.Id}) is in GitHub's API but the bot is not meant to call it");
        return ErrorAsync(context, 404, "Not Found");
    }

    private bool Known(string repository, string sha) => _runs.ContainsKey($"{repository}@{sha}") || _statuses.ContainsKey($"{repository}@{sha}");

    /// <summary>The combined state is failure when any status failed or errored, pending when any is pending or there are none.</summary>
    private Task CombinedStatusAsync(HttpContext context, string repository, string sha)
    {
        List<FakeCommitStatus> statuses;
        lock (_gate)
        {
            if (!Known(repository, sha)) return ErrorAsync(context, 422, $"No commit found for SHA: {sha}");
            statuses = _statuses.TryGetValue($"{repository}@{sha}", out var s) ? [.. s] : [];
        }
        var answer = GitHubRestSpec.Example("combined-commit-status");
        var template = answer["statuses"]![0]!;
        answer["statuses"] = new JsonArray(statuses.Select((s, i) =>
        {
            var status = template.DeepClone();
            status["id"] = i + 1;
            status["context"] = s.Context;
            status["state"] = s.State;
            status["target_url"] = s.TargetUrl;
            status["description"] = s.Description;
            return status;
        }).ToArray());
        answer["state"] = statuses.Any(s => s.State is "failure" or "error") ? "failure" : statuses.Count == 0 || statuses.Any(s => s.State == "pending") ? "pending" : "success";
        answer["sha"] = sha;
        answer["total_count"] = statuses.Count;
        return WriteJsonAsync(context, 200, answer);
    }

    /// <summary>One page of check runs (<c>per_page</c> up to 100), with GitHub's <c>Link</c> header to the others.</summary>
    private Task CheckRunsAsync(HttpContext context, string repository, string sha, string path, IReadOnlyDictionary<string, string> query)
    {
        List<FakeCheckRun> runs;
        lock (_gate)
        {
            if (!Known(repository, sha)) return ErrorAsync(context, 422, $"No commit found for SHA: {sha}");
            runs = _runs.TryGetValue($"{repository}@{sha}", out var r) ? [.. r] : [];
        }
        var perPage = Math.Clamp(query.TryGetValue("per_page", out var pp) ? int.Parse(pp, CultureInfo.InvariantCulture) : 30, 1, 100);
        var page = Math.Max(1, query.TryGetValue("page", out var p) ? int.Parse(p, CultureInfo.InvariantCulture) : 1);
        var last = Math.Max(1, (runs.Count + perPage - 1) / perPage);
        var answer = GitHubRestSpec.Example("check-run-paginated");
        var template = answer["check_runs"]![0]!;
        answer["total_count"] = runs.Count;
        answer["check_runs"] = new JsonArray(runs.Select((run, i) => (run, id: i + 1L)).Skip((page - 1) * perPage).Take(perPage).Select(x =>
        {
            var node = template.DeepClone();
            node["id"] = x.id;
            node["name"] = x.run.Name;
            node["head_sha"] = sha;
            node["status"] = x.run.Status;
            node["conclusion"] = x.run.Conclusion;
            node["started_at"] = (x.run.StartedAt ?? DateTimeOffset.Parse("2026-12-01T10:00:00Z", CultureInfo.InvariantCulture)).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            node["completed_at"] = x.run.Status == "completed" ? node["started_at"]!.DeepClone() : null;
            node["html_url"] = x.run.HtmlUrl ?? $"https://github.com/{repository}/runs/{x.id}";
            node["details_url"] = $"https://ci.example.com/{repository}/runs/{x.id}";
            return node;
        }).ToArray());
        var self = $"{context.Request.Scheme}://{context.Request.Host}{Prefix}{path}";
        string Link(int n, string rel) => $"<{self}?per_page={perPage}&page={n}>; rel=\"{rel}\"";
        var links = new List<string>();
        if (page > 1) links.AddRange([Link(page - 1, "prev"), Link(1, "first")]);
        if (page < last) links.AddRange([Link(page + 1, "next"), Link(last, "last")]);
        if (links.Count > 0) context.Response.Headers["Link"] = string.Join(", ", links);
        return WriteJsonAsync(context, 200, answer);
    }

    private Task CreateDeploymentAsync(HttpContext context, string repository, JsonNode body)
    {
        var gitRef = body["ref"]!.GetValue<string>();
        FakeDeployment deployment;
        lock (_gate)
        {
            if (!Known(repository, gitRef)) return ErrorAsync(context, 422, $"No ref found for: {gitRef}");
            deployment = new FakeDeployment(++_nextId, repository, gitRef, body["environment"]?.GetValue<string>() ?? "production",
                body["description"]?.GetValue<string>(), body["production_environment"]?.GetValue<bool>(), body["auto_merge"]?.GetValue<bool>(),
                (body["required_contexts"] as JsonArray)?.Select(c => c!.GetValue<string>()).ToList());
            _deployments.Add(deployment);
        }
        var answer = GitHubRestSpec.Example("deployment");
        answer["id"] = deployment.Id;
        answer["sha"] = gitRef;
        answer["ref"] = gitRef;
        answer["environment"] = deployment.Environment;
        answer["original_environment"] = deployment.Environment;
        answer["description"] = deployment.Description;
        answer["production_environment"] = deployment.ProductionEnvironment ?? deployment.Environment == "production";
        answer["url"] = $"https://api.github.com/repos/{repository}/deployments/{deployment.Id}";
        answer["statuses_url"] = $"https://api.github.com/repos/{repository}/deployments/{deployment.Id}/statuses";
        return WriteJsonAsync(context, 201, answer);
    }

    private Task CreateDeploymentStatusAsync(HttpContext context, long id, JsonNode body)
    {
        FakeDeploymentStatus status;
        lock (_gate)
        {
            if (_deployments.FirstOrDefault(d => d.Id == id) is not { } deployment) return ErrorAsync(context, 404, "Not Found");
            var description = body["description"]?.GetValue<string>();
            if (description is { Length: > 140 }) return ErrorAsync(context, 422, "Validation Failed", ["description is too long (maximum is 140 characters)"]);
            status = new FakeDeploymentStatus(++_nextId, body["state"]!.GetValue<string>(), body["log_url"]?.GetValue<string>(),
                body["environment_url"]?.GetValue<string>(), description);
            deployment.Statuses.Add(status);
        }
        var answer = GitHubRestSpec.Example("deployment-status");
        answer["id"] = status.Id;
        answer["state"] = status.State;
        answer["description"] = status.Description ?? "";
        answer["log_url"] = status.LogUrl ?? "";
        answer["target_url"] = status.LogUrl ?? "";
        answer["environment_url"] = status.EnvironmentUrl ?? "";
        return WriteJsonAsync(context, 201, answer);
    }
}
