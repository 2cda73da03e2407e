// Hostile payloads: what a stranger could put in a post's text, their display
// name or a link, aimed at a web view that renders it. Every payload that
// could run script calls `window.__pwned(id)` (or sets `document.title`, or
// loads a URL on the canary server), so the end-to-end test can tell that
// something ran: it installs `__pwned` to record calls, then looks at the
// record, the title and the canary's request log.
//
// Kinds: script tags, event handlers, javascript:/data:/vbscript: links,
// SVG and MathML, CSS tricks, template and framework syntax, HTML entities and
// encodings, bidi and zero-width characters, and very long strings.

const P = (id) => `window.__pwned&&window.__pwned('${id}')`;

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
  ];
}

/** Display-name payloads (a post's author). */
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
  ];
}

/** Link payloads (a post's URL). Only plain https links may ever open. */
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
  ];
}
