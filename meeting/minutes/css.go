// The stylesheets of MeetBot 0.1.4, as embedded in zodbot's published files.

package minutes

// cssMinutes is the <style> block of the .html minutes, byte for byte.
const cssMinutes = `<style type="text/css">
/* This is for the .html in the HTML2 writer */
body {
    font-family: Helvetica, sans-serif;
    font-size:14px;
}
h1 {
    text-align: center;
}
a {
    color:navy;
    text-decoration: none;
    border-bottom:1px dotted navy;
}
a:hover {
    text-decoration:none;
    border-bottom: 0;
    color:#0000B9;
}
hr {
    border: 1px solid #ccc;
}
/* The (nick, time) item pairs, and other body text things. */
.details {
    font-size: 12px;
    font-weight:bold;
}
/* The 'AGREED:', 'IDEA', etc, prefix to lines. */
.itemtype {
    font-style: normal;    /* un-italics it */
    font-weight: bold;
}
/* Example: change single item types.  Capitalized command name.
/* .TOPIC  {  color:navy;  } */
/* .AGREED {  color:lime;  } */

</style>
`

// cssLog is the <style> block of zodbot's .log.html, byte for byte.
const cssLog = cssLogRules + `
</style>
`

// cssLogRules is cssLog up to its closing blank line and </style>.
const cssLogRules = `<style type="text/css">
/* For the .log.html */
pre { /*line-height: 125%;*/
      white-space: pre-wrap; }
body { background: #f0f0f0; }

body .tm  { color: #007020 }                      /* time */
body .nk  { color: #062873; font-weight: bold }   /* nick, regular */
body .nka { color: #007020; font-weight: bold }  /* action nick */
body .ac  { color: #00A000 }                      /* action line */
body .hi  { color: #4070a0 }                 /* hilights */
/* Things to make particular MeetBot commands stick out */
body .topic     { color: #007020; font-weight: bold }
body .topicline { color: #000080; font-weight: bold }
body .cmd       { color: #007020; font-weight: bold }
body .cmdline  { font-weight: bold }
`

// cssLogDefault is the default style's .log.html stylesheet: MeetBot's,
// plus a box per line. Each line's <span class="ln"> is a block as wide as
// the page that clips what its text paints outside it, so a letter under
// hundreds of combining marks (zalgo) stays on its own line instead of
// painting over the lines above and below; the text itself is all there
// (copy it, or read the file). Long words wrap inside the box rather than
// being cut off at its edge. overflow: clip, where the browser has it,
// also keeps the box from being scrolled (hidden is the fallback).
const cssLogDefault = cssLogRules + `/* One box per line that clips what the line paints outside it. */
pre .ln { display: inline-block; width: 100%; vertical-align: top;
          overflow: hidden; overflow: clip; overflow-wrap: anywhere; }

</style>
`
