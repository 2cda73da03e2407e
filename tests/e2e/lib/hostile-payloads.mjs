// Hostile payloads: what a stranger could put in a post's text, their display
// name or a link, aimed at a web view that renders it. Every payload that
// could run script calls `top.__pwned(id)` (the top window's, so script run
// inside an injected same-origin frame is caught too), and every payload that
// could fetch something points at the canary server (`${canary}/hit/<id>`),
// so the end-to-end test can tell that something ran or loaded: it installs
// `__pwned` to record calls, then looks at the record, the title, the
// canary's request log, the Content-Security-Policy violations the page
// reported and the elements added to the page.
//
// Kinds: script tags, event handlers, javascript:/data:/vbscript: links,
// SVG and MathML, CSS tricks, navigation and resource loads, markup that
// breaks out of its container, DOM clobbering, template/framework/markdown
// syntax, HTML entities and other encodings, bidi, invisible and control
// characters, and very long strings (100 KB).

const P = (id) => `top.__pwned&&top.__pwned('${id}')`;

/** The kinds, for the report: the first id of each kind's run in textPayloads. */
export const TEXT_KINDS = {
  t1: 'script tags and event handlers',
  t21: 'forms, meta refresh, base, CSS loads and overlays',
  t31: 'breaking out of attributes and containers',
  t37: 'entities and other encodings',
  t41: 'template and framework syntax',
  t44: 'parser confusion and obfuscated tags',
  t54: 'SVG and MathML',
  t58: 'bidi, invisible and control characters',
  t69: 'very long strings',
  t73: 'navigation and resource loads to the canary',
  t89: 'more CSS tricks',
  t95: 'mutation XSS, DOM clobbering, markdown, look-alikes and layout breakers',
};

/** Text payloads (the body of a post). */
export function textPayloads(canary) {
  const img = (id) => `${canary}/hit/${id}`;
  return [
    `<script>${P('t1')}</script>`,
    `<SCRIPT SRC=${img('t2')}></SCRIPT>`,
    `<img src=x onerror="${P('t3')}">`,
    `<img src="${img('t4')}">`,
    `<svg onload="${P('t5')}"></svg>`,
    `<svg><script>${P('t6')}</script></svg>`,
    `<body onload="${P('t7')}">`,
    `<iframe src="javascript:${P('t8')}"></iframe>`,
    `<iframe srcdoc="<script>parent.__pwned('t9')</script>"></iframe>`,
    `<a href="javascript:${P('t10')}">click me for a refund</a>`,
    `<details open ontoggle="${P('t11')}">`,
    `<video><source onerror="${P('t12')}"></video>`,
    `<audio src=x onerror="${P('t13')}">`,
    `<input autofocus onfocus="${P('t14')}">`,
    `<select autofocus onfocus="${P('t15')}"></select>`,
    `<textarea autofocus onfocus="${P('t16')}"></textarea>`,
    `<marquee onstart="${P('t17')}">refund</marquee>`,
    `<object data="javascript:${P('t18')}"></object>`,
    `<embed src="javascript:${P('t19')}">`,
    `<math><mtext><table><mglyph><style><img src=x onerror="${P('t20')}">`,
    `<form action="javascript:${P('t21')}"><button>Send</button></form>`,
    `<meta http-equiv="refresh" content="0;url=javascript:${P('t22')}">`,
    `<base href="javascript:${P('t23')}//">`,
    `<link rel=stylesheet href="${img('t24')}">`,
    `<style>@import '${img('t25')}';</style>`,
    `<style>body{background:url("${img('t26')}")}</style>`,
    `<div style="background-image:url(${img('t27')})">x</div>`,
    `<div style="position:fixed;inset:0;z-index:99999;background:red">covered</div>`,
    `<style>*{display:none!important}</style>`,
    `<div style="width:1000000px;height:1000000px">huge</div>`,
    `"><script>${P('t31')}</script>`,
    `'><img src=x onerror=${P('t32')}>`,
    `</textarea><script>${P('t33')}</script>`,
    `</title><script>${P('t34')}</script>`,
    `<!--<img src="--><img src=x onerror=${P('t35')}//">`,
    `<![CDATA[<script>${P('t36')}</script>]]>`,
    `&lt;script&gt;${P('t37')}&lt;/script&gt;`,
    `&#60;img src=x onerror=${P('t38')}&#62;`,
    `\\u003cscript\\u003e${P('t39')}\\u003c/script\\u003e`,
    `%3Cscript%3E${P('t40')}%3C/script%3E`,
    `{{constructor.constructor('${P('t41').replace(/'/g, '"')}')()}}`,
    `\${${P('t42')}}`,
    `{@html '<img src=x onerror=${P('t43')}>'}`,
    `<img src=x onerror=${P('t44')}\u0000>`,
    `<scr<script>ipt>${P('t45')}</scr</script>ipt>`,
    `<img/src=x/onerror=${P('t46')}>`,
    `<img src=x onerror\t=\t${P('t47')}>`,
    `<IMG SRC=x ONERROR=${P('t48')}>`,
    `<isindex type=image src=1 onerror=${P('t49')}>`,
    `<keygen autofocus onfocus=${P('t50')}>`,
    `<xss onpointerenter=${P('t51')} style=display:block;position:fixed;inset:0>hover</xss>`,
    `<template><img src=x onerror=${P('t52')}></template>`,
    `<noscript><p title="</noscript><img src=x onerror=${P('t53')}>">`,
    `<svg><a xlink:href="javascript:${P('t54')}"><text x=20 y=20>tap</text></a></svg>`,
    `<svg><animate onbegin=${P('t55')} attributeName=x dur=1s>`,
    `<svg><set attributeName=onmouseover to=${P('t56')}>`,
    `<svg><foreignObject><iframe srcdoc="<script>parent.__pwned('t57')</script>"/></foreignObject></svg>`,
    // Bidi and invisible characters: shown, never reorder the rest of the row.
    `Refund please \u202Egnp.exe\u202C thanks`,
    `\u202Ethis text is reversed by an override`,
    `\u2066isolated\u2069 and \u2067rtl isolate\u2069 and \u2068first strong\u2069`,
    `zero\u200Bwidth\u200Cjoin\u200Dand\uFEFFbom`,
    `\u0645\u0631\u062D\u0628\u0627 mixed Arabic and English \u05E9\u05DC\u05D5\u05DD`,
    `Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357\u0358\u0359\u035A\u035B\u035C\u035D\u035E\u035F\u0360\u0361\u0362algo`.repeat(8),
    `line one\u2028line two\u2029paragraph`,
    `tab\tand\rcarriage\r\nreturns`,
    `\u{1F4A9}\u{1F525} emoji \u{1F469}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466} family \u{1F3F3}\uFE0F\u200D\u{1F308}`,
    `\uFFFD\uFFFE\uFFFF noncharacters`,
    `\u0000 NUL and \u0007 bell and \u001B[31m ANSI red`,
    // Very long strings: the row clamps, the layout holds.
    'A'.repeat(100_000),
    `${'complaint '.repeat(10_000)}`,
    `${'https://evil.example/'.repeat(2_000)}`,
    `${'\u{1F621}'.repeat(25_000)}`,
    // Navigation and resource loads: each would hit the canary if rendered as HTML.
    `<a href="${img('t73')}" style="display:block;position:fixed;inset:0">continue</a>`,
    `<meta http-equiv="refresh" content="0;url=${img('t74')}">`,
    `<iframe src="${img('t75')}"></iframe>`,
    `<img srcset="${img('t76')} 1x, ${img('t76b')} 2x">`,
    `<video poster="${img('t77')}"></video>`,
    `<input type="image" src="${img('t78')}">`,
    `<object data="${img('t79')}"></object>`,
    `<embed src="${img('t80')}">`,
    `<script src="${img('t81')}"></script>`,
    `<script type="module">import('${img('t82')}')</script>`,
    `<link rel="prefetch" href="${img('t83')}">`,
    `<table background="${img('t84')}"><tr><td>x</td></tr></table>`,
    `<svg><image href="${img('t85')}"/></svg>`,
    `<picture><source srcset="${img('t86')}"><img src="${img('t86b')}"></picture>`,
    `<audio><track src="${img('t87')}"></audio>`,
    `<form action="${img('t88')}"><input name=q autofocus><button>Go</button></form>`,
    // More CSS tricks.
    `<style>@keyframes hk{}</style><div style="animation-name:hk;animation-duration:1ms" onanimationstart="${P('t89')}">spin</div>`,
    `<style>@font-face{font-family:hk;src:url(${img('t90')})}body{font-family:hk}</style>`,
    `<div style="x:expression(${P('t91')})">old IE</div>`,
    `<div style="unicode-bidi:bidi-override;direction:rtl;font-size:20vw">gnitirw sdrawkcab</div>`,
    `<style>body{transform:rotate(180deg)}nav{display:none}</style>`,
    `</p></article></div></div><div style="position:fixed;inset:0;background:#fff;z-index:2147483647">everything is gone</div>`,
    // Mutation XSS, DOM clobbering, markdown, look-alikes.
    `<svg></p><style><a id="</style><img src=1 onerror=${P('t95')}>">`,
    `<form id="__pwnedLog"><input name="length" value="0"></form><img name="__pwned" src=x>`,
    `<xmp><script>${P('t97')}</script></xmp><plaintext><script>${P('t97b')}</script>`,
    `[refund form](javascript:${P('t98')}) and ![logo](${img('t98')})`,
    `javascript:${P('t99')}`,
    `\uFF1Cscript\uFF1E${P('t100')}\uFF1C/script\uFF1E`,
    `\uFE64script\uFE65${P('t101')}\uFE64/script\uFE65`,
    `<a href="#" onclick="${P('t102')}" style="display:block;position:fixed;inset:0;opacity:0">invisible click trap</a>`,
    // Layout: invisible and zero-width runs, soft hyphens, tag characters, a newline bomb, a tall Zalgo tower.
    `a\u{E0041}\u{E0042}\u{E0043}b tag characters, \u2060word\u2060joiner, soft\u00ADhy\u00ADphen, \u180Emongolian, \u3164filler`,
    `${'\n'.repeat(3_000)}the end of a newline bomb`,
    `Z${'\u0336\u0337\u0338\u0334\u0335\u0489'.repeat(60)}algo tower`,
  ];
}

/**
 * Display-name payloads (a post's author). Names are not capped by any
 * connector, so the 100 KB ones reach the screen whole.
 */
export function namePayloads(canary) {
  return [
    `<img src=x onerror=${P('n1')}>`,
    `<script>${P('n2')}</script>`,
    `"><svg onload=${P('n3')}>`,
    `<a href="javascript:${P('n4')}">Sam</a>`,
    `<b style="font-size:500px">BIG</b>`,
    `\u202Eevil\u202C`,
    `Sam\u200B\u200B\u200BBaker`,
    `<img src="${canary}/hit/n8">`,
    `${'N'.repeat(10_000)}`,
    `{{7*7}} \${7*7} <%= 7*7 %>`,
    `&lt;b&gt;bold?&lt;/b&gt;`,
    `javascript:${P('n12')}`,
    `<iframe srcdoc="<script>parent.__pwned('n13')</script>"></iframe>`,
    `<style>*{display:none!important}</style>`,
    `Sam\nBaker\n\n\nRefunds Department`,
    `\u3164`,
    `   `,
    `Hearken Support \u2714\uFE0F (official)`,
    `${'W'.repeat(100_000)}`,
    `${'\u{1F621}'.repeat(25_000)}`,
  ];
}

/**
 * Link payloads (a post's URL). None of these may ever be opened: they are
 * not https, or not well-formed https (whitespace, bidi controls, a missing
 * slash), or they point at the canary over plain http.
 */
export function urlPayloads(canary) {
  return [
    `javascript:${P('u1')}`,
    `JaVaScRiPt:${P('u2')}`,
    ` javascript:${P('u3')}`,
    `java\tscript:${P('u4')}`,
    `javascript&colon;${P('u5')}`,
    `data:text/html,<script>${P('u6')}</script>`,
    `data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZCgndTcnKTwvc2NyaXB0Pg==`,
    `data:image/svg+xml,<svg onload="${P('u8')}"/>`,
    `vbscript:msgbox("u9")`,
    `file:///etc/passwd`,
    `${canary}/hit/u11`,
    `ftp://evil.example/u12`,
    `//evil.example/u13`,
    `https:javascript:${P('u14')}`,
    `https://evil.example/"><img src=x onerror=${P('u15')}>`,
    `blob:https://evil.example/u16`,
    `about:blank`,
    `tauri://localhost/u18`,
    `ipc://localhost/u19`,
    `asset://localhost/etc/passwd`,
    `http://evil.example/u21`,
    `HTTP://EVIL.EXAMPLE/u22`,
    ` https://evil.example/u23`,
    `https://evil.example/u24 ${canary}/hit/u24`,
    `https://evil.example/u25\n${canary}/hit/u25`,
    `\u202Ehttps://evil.example/u26`,
    `https:/\\evil.example/u27`,
    `https:evil.example/u28`,
    `mailto:refunds@evil.example?subject=u29`,
    `smb://evil.example/share/u30`,
    `file://evil.example/share/u31`,
    `ms-msdt:/id PCWDiagnostic /skip force /param "u32"`,
    `search-ms:query=invoice&crumb=location:\\\\evil.example\\u33`,
    `ssh://root@evil.example/u34`,
    `view-source:https://evil.example/u35`,
    `intent://evil.example/#Intent;scheme=https;end;u36`,
    `javascript:${P('u37')}//${'x'.repeat(100_000)}`,
  ];
}

/**
 * https links that may open: each must reach the browser exactly as written,
 * shell metacharacters and all (nothing may be run or rewritten on the way).
 */
export function openableUrls(marker) {
  return [
    `https://reviews.example.org/pedal-and-pine/${marker}`,
    `https://reviews.example.org/q?a=1&b=$(touch${'${IFS}'}/tmp/${marker})&c=;id|cat&d=\`id\`#${marker}`,
  ];
}
