using System.Text.RegularExpressions;
using Bot.Hosting;
using Bot.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;
using static Bot.Tests.Hosting.HostingFiles;

namespace Bot.Tests.Hosting;

/// <summary>
/// The hosting files (Dockerfile, heroku.yml, cloudbuild.yml, deploy/…) against the code: the verbs they run, the
/// ports and paths they probe, the substitution they pass, the environment they set, the publish command they use.
/// </summary>
public sealed partial class HostingFilesTests
{
    /// <summary>Set in the files for something other than the bot, and who reads it.</summary>
    private static readonly Dictionary<string, string> ReadByOthers = new()
    {
        ["AWS_LWA_PORT"] = "Lambda Web Adapter: where it forwards requests",
        ["AWS_LWA_READINESS_CHECK_PATH"] = "Lambda Web Adapter: what it asks before the first request",
    };

    /// <summary>Set in the files for a hook the bot does not have yet (see deploy/README.md); the test fails once it does, to drop it here.</summary>
    private static readonly string[] NotReadYet = [];

    private const string PublishCommand = "dotnet publish src/Bot -c Release -p:PublishAot=true";

    [Fact]
    public void Every_command_the_files_run_is_a_verb_the_cli_knows_with_options_it_takes()
    {
        var commands = BotCommands().ToList();
        foreach (var (file, args) in commands)
        {
            var what = $"{file}: bot {string.Join(' ', args)}";
            var cli = BotCli.Parse(args);
            Assert.True(BotCli.Verbs.Contains(cli.Verb) && cli.Verb != "help", what);
            Assert.True(cli.PassThrough.Length == 0 || cli.PassThrough[0] == "--url", $"{what}: options the verb does not take: {string.Join(' ', cli.PassThrough)}");
        }
        BotCli Of(string file) => BotCli.Parse(commands.First(c => c.File.StartsWith(file, StringComparison.Ordinal)).Args);
        Assert.Equal("migrate", Of("heroku.yml release").Verb);
        Assert.Equal("health", Of("Dockerfile HEALTHCHECK").Verb);
        Assert.Equal("serve", Of("Dockerfile CMD").Verb);
        Assert.Contains(commands, c => c.File == "aws-lambda/bootstrap" && BotCli.Parse(c.Args) is { Verb: "serve", NoWorker: true });
        Assert.Contains(commands, c => c.File == "aws-lambda/bootstrap" && BotCli.Parse(c.Args) is { Verb: "worker", Drain: true });
        var heroku = (YamlMappingNode)Yaml("heroku.yml").At("run");
        Assert.Equal(["web", "worker"], heroku.Children.Keys.Select(k => k.Text()).Order());
        Assert.Equal("serve", BotCli.Parse(heroku.At("web").Text().Split(' ')[1..]).Verb);
        Assert.Equal("worker", BotCli.Parse(heroku.At("worker").Text().Split(' ')[1..]).Verb);
        foreach (var verb in new[] { "migrate", "worker --drain", "health", "serve --no-worker" })
            Assert.Contains(commands, c => c.File == "README.md" && string.Join(' ', c.Args) == verb);
    }

    [Fact]
    public async Task Ports_and_health_paths_in_the_files_are_where_serve_listens_and_answers()
    {
        var routes = await RoutesAsync();
        var port = HealthCommand.DefaultPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var docker = Read("Dockerfile");
        Assert.Contains($"PORT={port}", Line(docker, "ENV "));
        Assert.Equal($"EXPOSE {port}", Line(docker, "EXPOSE "));
        Assert.Contains(HealthCommand.Path, routes);

        var bot = Containers(Yaml("deploy/cloudrun/service.yaml")).Single(c => c.At("name").Text() == "bot");
        Assert.Equal(port, ((YamlSequenceNode)bot.At("ports")).Children.Single().At("containerPort").Text());
        foreach (var probe in new[] { "startupProbe", "livenessProbe" })
        {
            Assert.Contains(bot.At(probe, "httpGet", "path").Text(), routes);
            Assert.Equal(port, bot.At(probe, "httpGet", "port").Text());
        }

        var web = Yaml("deploy/aws-lambda/template.yaml").At("Resources", "WebFunction", "Properties", "Environment", "Variables");
        Assert.Equal(port, web.At("PORT").Text());
        Assert.Equal(port, web.At("AWS_LWA_PORT").Text());
        Assert.Contains(web.At("AWS_LWA_READINESS_CHECK_PATH").Text(), routes);

        var compose = Yaml("deploy/compose.yaml").At("services", "bot");
        Assert.Equal(port, compose.At("environment", "PORT").Text());
        Assert.All(compose.At("ports").Texts(), p => Assert.EndsWith($":{port}", p));

        // Every webhook path the files and deploy/README.md tell people to use is an endpoint.
        var named = new[] { "deploy/aws-lambda/template.yaml", "deploy/README.md" }
            .SelectMany(f => WebhookPath().Matches(Read(f)).Select(m => m.Value)).Distinct().ToList();
        Assert.NotEmpty(named);
        Assert.All(named, path => Assert.Contains(path, routes));
    }

    [Fact]
    public void Cloud_build_tags_the_image_with_the_substitution_the_cloud_run_target_and_the_readme_pass()
    {
        var build = Yaml("cloudbuild.yml");
        var text = Read("cloudbuild.yml");
        var defined = ((YamlMappingNode)build.At("substitutions")).Children.Keys.Select(k => k.Text()).ToHashSet();
        var used = Substitution().Matches(text).Select(m => m.Groups[1].Value).ToHashSet();

        Assert.Contains("_DOCKER_IMAGE_TAG", used);
        Assert.DoesNotContain("_DOCKER_IMAGE_TAG", defined);
        Assert.All(used.Where(u => u != "_DOCKER_IMAGE_TAG"), u => Assert.Contains(u, defined));
        // The substitutions the bot's own Cloud Run target sends (when it is in this build) are the ones this file uses.
        Assert.All(NamesInSource().Where(n => n.StartsWith('_')), n => Assert.Contains(n, used));
        Assert.Contains("gcloud builds submit --config cloudbuild.yml --substitutions _DOCKER_IMAGE_TAG=$TAG", Read("README.md"));

        var deploy = ((YamlSequenceNode)build.At("steps")).Children.Single(s => s.At("id").Text() == "deploy").At("args").Texts().ToList();
        Assert.Equal(["run", "deploy"], deploy.Take(2));
        var image = deploy[deploy.IndexOf("--image") + 1];
        Assert.EndsWith(":${_DOCKER_IMAGE_TAG}", image);
        Assert.Contains(image, build.At("images").Texts());
    }

    [Fact]
    public void Every_environment_variable_the_files_set_is_one_the_bot_reads()
    {
        var read = NamesInSource();
        var names = EnvironmentNames().ToList();
        Assert.True(names.Count > 20, $"only {names.Count} names found; is the parsing still right?");
        foreach (var (file, name) in names)
        {
            // Apps__web__Target and the like are configuration paths (Apps:web:Target), read as the Apps section.
            if (name.StartsWith("Apps__", StringComparison.Ordinal)) continue;
            if (ReadByOthers.ContainsKey(name) || NotReadYet.Contains(name)) continue;
            Assert.True(read.Contains(name), $"{file} sets {name}, which the bot never reads");
        }
        foreach (var name in NotReadYet)
            Assert.False(read.Contains(name), $"The bot reads {name} now: take it off {nameof(NotReadYet)}.");
    }

    [Fact]
    public void The_image_and_the_lambda_package_are_built_with_the_readmes_publish_command()
    {
        Assert.Contains($"`{PublishCommand}`", Read("README.md").Replace("\n", " ").Replace("` dotnet", "`dotnet").Replace("Release -p", "Release -p"));
        Assert.StartsWith($"RUN {PublishCommand} -o /out", Line(Read("Dockerfile"), "RUN dotnet publish"));
        Assert.Contains($"{PublishCommand} -o \"$out\"", Read("deploy/aws-lambda/build.sh"));
        Assert.Contains($"{PublishCommand} -o bench/bin/bot", Read("bench/run.sh"));
    }

    [Fact]
    public void The_dockerfile_is_multi_stage_non_root_with_data_on_a_volume_and_copies_only_what_its_own_folder_has()
    {
        var docker = Read("Dockerfile");
        Assert.True(Regex.Matches(docker, @"(?m)^FROM ").Count >= 2);
        Assert.Matches(@"(?m)^USER \$\{APP_UID\}$", docker);
        Assert.Matches(@"(?m)^ARG APP_UID=[1-9]\d*$", docker);
        Assert.Contains("DATA_DIR=/data", Line(docker, "ENV "));
        Assert.Equal("VOLUME /data", Line(docker, "VOLUME "));
        // Heroku runs heroku.yml's commands as /bin/sh -c "…": an ENTRYPOINT would get that as its arguments.
        Assert.DoesNotMatch(@"(?m)^ENTRYPOINT", docker);
        Assert.All(BotCommands().Where(c => c.File.StartsWith("heroku.yml", StringComparison.Ordinal)), c => Assert.NotEmpty(c.Args));

        // Heroku builds with the Dockerfile's own folder as the context: what it copies must be there and not ignored.
        var ignored = Read(".dockerignore").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        foreach (Match copy in Regex.Matches(docker, @"(?m)^COPY (?!--from)(\S+) "))
        {
            var source = copy.Groups[1].Value;
            Assert.True(File.Exists(Path.Combine(RepoRoot.Path, source)) || Directory.Exists(Path.Combine(RepoRoot.Path, source)), $"COPY {source}: not in the build context");
            Assert.DoesNotContain(ignored, i => !i.StartsWith('!') && !i.Contains('*') && source.TrimEnd('/').StartsWith(i, StringComparison.Ordinal));
        }
        var heroku = Yaml("heroku.yml").At("build", "docker");
        Assert.All(((YamlMappingNode)heroku).Children.Values, v => Assert.True(File.Exists(Path.Combine(RepoRoot.Path, v.Text()))));
    }

    private static async Task<HashSet<string>> RoutesAsync()
    {
        using var dir = new TempDir("hosting-routes");
        await using var app = ServeCommand.Build(new BotCli("serve", null, null, null, null, []),
            b => b.Configuration.AddInMemoryCollection([new("DATA_DIR", dir["data"])]));
        var routes = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/')).ToHashSet();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return routes;
    }

    [GeneratedRegex(@"\$\{?(_[A-Z][A-Z0-9_]*)\}?")]
    private static partial Regex Substitution();

    [GeneratedRegex(@"/(?:slack|line|alerts)/[a-z]+")]
    private static partial Regex WebhookPath();
}
