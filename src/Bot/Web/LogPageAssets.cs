using System.Text;

namespace Bot.Web;

/// <summary>
/// The page's only style and script, inline and allowed by the response's CSP nonce: no build chain, no external
/// asset, so it works offline behind a firewall. Phone first: nothing is wider than the screen (long lines wrap in
/// their block), dark by <c>prefers-color-scheme</c>.
/// </summary>
public static class LogPageAssets
{
    private static readonly string[] Light =
        ["#24292f", "#cf222e", "#116329", "#7d4e00", "#0969da", "#8250df", "#1b7c83", "#6e7781", "#57606a", "#a40e26", "#1a7f37", "#633c01", "#218bff", "#a475f9", "#3192aa", "#8c959f"];

    private static readonly string[] Dark =
        ["#6e7681", "#ff7b72", "#3fb950", "#d29922", "#58a6ff", "#bc8cff", "#39c5cf", "#b1bac4", "#8b949e", "#ffa198", "#56d364", "#e3b341", "#79c0ff", "#d2a8ff", "#56d4dd", "#f0f6fc"];

    public static readonly string Css = BuildCss();

    public const string Script = """
        (()=>{const $=i=>document.getElementById(i),log=$('log'),q=$('q'),jump=$('jump'),live=$('live'),root=document.documentElement;
        const openUp=el=>{for(let d=el.closest('details');d;d=d.parentElement&&d.parentElement.closest('details'))d.open=true};
        const match=l=>{const v=q.value.trim().toLowerCase(),m=!v||l.textContent.toLowerCase().includes(v);l.hidden=!m;if(v&&m)openUp(l)};
        q.addEventListener('input',()=>log.querySelectorAll('.l').forEach(match));
        const go=()=>{const t=location.hash&&$(location.hash.slice(1));if(t){openUp(t);t.scrollIntoView()}};
        addEventListener('hashchange',go);go();
        setInterval(()=>document.querySelectorAll('time[datetime]').forEach(t=>{const s=(Date.now()-Date.parse(t.dateTime))/1e3;
          t.textContent=s<45?'just now':s<3600?Math.round(s/60)+'m ago':s<86400?Math.floor(s/3600)+'h ago':Math.floor(s/86400)+'d ago'}),30000);
        const src=log.dataset.stream;if(!src)return;
        const es=new EventSource(src);live.hidden=false;
        const last=()=>{const s=log.querySelectorAll('details.step');return s[s.length-1]};
        const add=(f)=>{const end=innerHeight+scrollY>=root.scrollHeight-40;f();if(end)scrollTo(0,root.scrollHeight)};
        const cut=d=>{const i=d.indexOf('|');return[d.slice(0,i),d.slice(i+1)]};
        es.addEventListener('step',e=>add(()=>{const p=last();if(p&&!p.classList.contains('fail'))p.open=false;log.insertAdjacentHTML('beforeend',e.data)}));
        es.addEventListener('line',e=>add(()=>{const s=last();if(!s)return;const b=s.querySelector('.b');b.insertAdjacentHTML('beforeend',e.data);match(b.lastElementChild)}));
        es.addEventListener('done',e=>{const[i,t]=cut(e.data),s=$('S'+i);if(s)s.querySelector('.d').textContent=t});
        es.addEventListener('firsterror',e=>{jump.href='#'+e.data;jump.hidden=false});
        es.addEventListener('head',e=>{$('head').outerHTML=e.data});
        es.addEventListener('end',e=>{es.close();live.hidden=true;const[f,h]=cut(e.data);$('head').outerHTML=h;
          const s=f&&$('S'+f);if(s){s.classList.add('fail');s.open=true;s.querySelector('.d').textContent='failed'}document.body.dataset.state='ended'});
        })();
        """;

    private static string BuildCss()
    {
        var sb = new StringBuilder("""
            :root{--bg:#fff;--fg:#1f2328;--mute:#59636e;--line:#d1d9e0;--box:#f6f8fa;--err:#cf222e;--warn:#9a6700;--ok:#1a7f37;--hi:#fff8c5}
            @media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--mute:#9198a1;--line:#3d444d;--box:#151b23;--err:#ff7b72;--warn:#d29922;--ok:#3fb950;--hi:#3b2e00}}
            *{box-sizing:border-box}html{-webkit-text-size-adjust:100%}
            body{margin:0 auto;max-width:70rem;padding:12px;background:var(--bg);color:var(--fg);font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;overflow-wrap:anywhere}
            h1{font-size:1.15rem;margin:0 0 .3rem}header p{margin:.15rem 0;color:var(--mute)}header .msg{color:var(--fg)}
            .s-failed h1,.s-interrupted h1{color:var(--err)}.s-succeeded h1{color:var(--ok)}.s-cancelled h1{color:var(--warn)}
            code,.b{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace}code{font-size:.9em}a{color:inherit}
            nav{position:sticky;top:0;display:flex;flex-wrap:wrap;gap:6px 12px;align-items:center;padding:8px 0;margin-top:8px;background:var(--bg);border-bottom:1px solid var(--line);z-index:1}
            nav input{flex:1 1 9rem;min-width:0;font:inherit;padding:5px 8px;border:1px solid var(--line);border-radius:6px;background:var(--box);color:var(--fg)}
            .live{color:var(--ok);font-weight:600}
            details{border:1px solid var(--line);border-radius:6px;margin:8px 0;background:var(--box)}
            summary{cursor:pointer;padding:8px 10px;font-weight:600}summary .t,summary .d{font-weight:400;color:var(--mute);font-size:.9em}
            .fail{border-color:var(--err)}.fail summary,.fail summary .d{color:var(--err)}
            .b{padding:0 8px 8px;font-size:13px;line-height:1.45}
            .l{display:flex;gap:8px}.l .t{flex:none;min-width:3.3em;text-align:right;color:var(--mute);user-select:none}
            .l .x{flex:1;min-width:0;white-space:pre-wrap;overflow-wrap:anywhere}
            .l.e .t{color:var(--err)}.l.w .x{color:var(--warn)}.l.n .x{color:var(--mute)}.l:target{background:var(--hi)}
            .ab{font-weight:700}.ad{opacity:.7}.ai{font-style:italic}.au{text-decoration:underline}[hidden]{display:none!important}
            """);
        Palette(sb, Light);
        sb.Append("@media (prefers-color-scheme:dark){");
        Palette(sb, Dark);
        sb.Append('}');
        return sb.Replace("\r", "").Replace("\n", "").ToString();
    }

    private static void Palette(StringBuilder sb, string[] colours)
    {
        for (var i = 0; i < colours.Length; i++)
            sb.Append(".f").Append(i).Append("{color:").Append(colours[i]).Append("}.g").Append(i).Append("{background:").Append(colours[i]).Append("40}");
    }
}
