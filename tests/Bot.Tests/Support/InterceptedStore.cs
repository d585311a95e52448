using System.Reflection;
using Bot.Deployments;

namespace Bot.Tests.Support;

/// <summary>
/// A store that passes every call through, after asking <c>before</c>: it may run something first (another process
/// writing between two reads) or throw (a store that fails now and then).
/// </summary>
public class InterceptedStore : DispatchProxy
{
    private IDeploymentStore _inner = null!;
    private Func<string, object?[], Task> _before = null!;

    public static IDeploymentStore Wrap(IDeploymentStore inner, Func<string, object?[], Task> before)
    {
        var proxy = Create<IDeploymentStore, InterceptedStore>();
        var self = (InterceptedStore)(object)proxy;
        (self._inner, self._before) = (inner, before);
        return proxy;
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        _before(method!.Name, args ?? []).GetAwaiter().GetResult();
        try { return method.Invoke(_inner, args); }
        catch (TargetInvocationException e) when (e.InnerException is not null) { throw e.InnerException; }
    }
}
