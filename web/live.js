// bureau: live updates for server-rendered pages. No framework, no build step.
//
// The page listens to /api/events. When the document changes (event `change`, with a version
// this page has not shown yet) or the peers do (event `peers`), it fetches its own URL again
// (or, for a page whose content has no live region, only the shared header, from /chrome)
// and replaces each live region (an element with `data-live` and an id) by the fresh one,
// unless the region holds the keyboard focus or a form the user has started to edit: what
// someone is typing, and where they are, are never disturbed. Such a region is refreshed once
// the focus leaves it. A hidden tab closes its event stream (browsers allow few per host) and
// reopens it when shown again. Updates are announced in the page's polite status region.
(function () {
  'use strict';

  var source = null;
  var timer = null;
  var busy = false;
  var again = false;
  var stale = false;
  var version = document.body ? document.body.getAttribute('data-version') : null;
  var section = document.body ? document.body.getAttribute('data-section') : null;

  // `?lang=` chose this page's language, and the answer remembered the choice in the cookie.
  // It leaves the address, so that the refetches below follow the cookie: fetching the page
  // with `lang=` again would set the cookie back to it after the reader switched language.
  if (window.URL && window.history && window.history.replaceState) {
    var address = new URL(window.location.href);
    if (address.searchParams.has('lang')) {
      address.searchParams.delete('lang');
      window.history.replaceState(window.history.state, '',
        address.pathname + address.search + address.hash);
    }
  }

  // A page whose content follows the document is fetched again whole; any other (a form, a
  // history, a report) only needs its header, which costs the node no render of the page.
  function source_url() {
    if (!section || document.querySelector('main [data-live]')) return window.location.href;
    return '/chrome?section=' + encodeURIComponent(section);
  }
  var dirty = typeof WeakSet === 'function' ? new WeakSet() : null;

  function markDirty(event) {
    var form = event.target && event.target.form;
    if (form && dirty) dirty.add(form);
  }
  document.addEventListener('input', markDirty, true);
  document.addEventListener('change', markDirty, true);

  // True when replacing `region` would disturb the user.
  function inUse(region) {
    var active = document.activeElement;
    if (active && active !== document.body && region.contains(active)) return true;
    if (!dirty) return false;
    var forms = region.querySelectorAll('form');
    for (var i = 0; i < forms.length; i++) if (dirty.has(forms[i])) return true;
    var around = region.closest && region.closest('form');
    return !!(around && dirty.has(around));
  }

  function announce() {
    var status = document.getElementById('announce');
    if (!status) return;
    status.textContent = '';
    // A change of content is what screen readers announce; clear, then set on the next frame.
    window.setTimeout(function () {
      status.textContent = status.getAttribute('data-updated') || '';
    }, 50);
  }

  function refresh() {
    patchEditor();
    if (busy) { again = true; return; }
    busy = true;
    var url = source_url();
    var whole = url === window.location.href;
    fetch(url, { credentials: 'same-origin', cache: 'no-store' }).then(function (res) {
      return res.ok && !res.redirected ? res.text() : null;
    }).then(function (html) {
      if (!html) return;
      var fresh = new DOMParser().parseFromString(html, 'text/html');
      var changed = 0;
      stale = false;
      var regions = document.querySelectorAll('[data-live]');
      for (var i = 0; i < regions.length; i++) {
        var old = regions[i];
        var next = old.id && fresh.getElementById(old.id);
        if (!next || next.innerHTML === old.innerHTML) continue;
        if (inUse(old)) { stale = true; continue; }
        old.replaceWith(document.importNode(next, true));
        changed++;
      }
      if (fresh.body) version = fresh.body.getAttribute('data-version');
      if (whole && fresh.title) document.title = fresh.title;
      if (changed) announce();
    }).catch(function () {
      // The node may be restarting; the next event brings the page up to date.
    }).then(function () {
      busy = false;
      if (again) { again = false; schedule(); }
    });
  }

  // Bursts of events (a peer's sync sends several) become one refetch.
  function schedule() {
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(function () { timer = null; refresh(); }, 150);
  }

  function onChange(event) {
    var seen = null;
    try { seen = String(JSON.parse(event.data).version); } catch (e) { seen = null; }
    if (seen !== null && seen === version) return;
    schedule();
  }

  function open() {
    if (source || typeof EventSource !== 'function') return;
    source = new EventSource('/api/events');
    source.addEventListener('change', onChange);
    source.addEventListener('peers', schedule);
  }

  function close() {
    if (source) { source.close(); source = null; }
  }

  document.addEventListener('visibilitychange', function () {
    if (document.hidden) close(); else open();
  });
  document.addEventListener('focusout', function () {
    if (stale) schedule();
  });
  window.addEventListener('pagehide', close);
  window.addEventListener('pageshow', function () { if (!document.hidden) open(); });

  // Buttons that need script (print) stay hidden without it.
  var printers = document.querySelectorAll('[data-print]');
  for (var i = 0; i < printers.length; i++) {
    printers[i].hidden = false;
    printers[i].addEventListener('click', function () { window.print(); });
  }

  // Pickers (long lists of checkboxes in a form): the filter box, hidden without script, shows
  // only the options whose label has a word beginning with each word typed, capitals and
  // accents aside, as the search does (an Arabic word may also match after its article).
  // Hidden options keep their state, and the box has no name: the form posts the same.
  function fold(s) {
    return s.normalize('NFD').toLowerCase()
      .replace(/[\u0300-\u036f\u0610-\u061a\u0640\u064b-\u065f\u0670]/g, '')
      .replace(/\u0671/g, '\u0627').replace(/\u0649/g, '\u064a')
      .replace(/\u0629/g, '\u0647')
      .replace(/\u00df/g, 'ss').replace(/\u00e6/g, 'ae').replace(/\u0153/g, 'oe');
  }
  function words(s) {
    var out = [];
    fold(s).split(/[^\p{L}\p{N}]+/u).forEach(function (w) {
      if (!w) return;
      out.push(w);
      if (w.length > 2 && w.slice(0, 2) === '\u0627\u0644') out.push(w.slice(2));
    });
    return out;
  }
  function setUpPicker(box) {
    var picker = box.closest('fieldset');
    var input = box.querySelector('input');
    var none = box.querySelector('[data-picker-none]');
    if (!picker || !input) return;
    var options = picker.querySelectorAll('[data-picker-option]');
    box.hidden = false;
    input.addEventListener('keydown', function (event) {
      // Enter in the filter would send the whole form.
      if (event.key === 'Enter') event.preventDefault();
    });
    input.addEventListener('input', function () {
      var terms = words(input.value);
      var shown = 0;
      for (var j = 0; j < options.length; j++) {
        var label = options[j].querySelector('label');
        var have = words(label ? label.textContent : '');
        var keep = terms.every(function (t) {
          return have.some(function (w) { return w.lastIndexOf(t, 0) === 0; });
        });
        options[j].hidden = !keep;
        if (keep) shown++;
      }
      if (none) none.textContent = shown ? '' : none.getAttribute('data-picker-none');
    });
  }
  var pickers = document.querySelectorAll('[data-picker-filter]');
  for (var k = 0; k < pickers.length; k++) setUpPicker(pickers[k]);

  // A long select (the schedule's member filter): the box above it keeps only the options
  // whose text has a word beginning with each word typed, as the pickers do; the chosen one
  // and "anyone" always stay.
  function setUpSelectFilter(box) {
    var select = document.getElementById(box.getAttribute('data-select-filter'));
    var input = box.querySelector('input');
    if (!select || !input) return;
    box.hidden = false;
    input.addEventListener('keydown', function (event) {
      if (event.key === 'Enter') event.preventDefault();
    });
    input.addEventListener('input', function () {
      var terms = words(input.value);
      for (var j = 0; j < select.options.length; j++) {
        var option = select.options[j];
        if (!option.value || option.selected) continue;
        var have = words(option.textContent);
        option.hidden = !terms.every(function (t) {
          return have.some(function (w) { return w.lastIndexOf(t, 0) === 0; });
        });
      }
    });
  }
  var selectFilters = document.querySelectorAll('[data-select-filter]');
  for (var m = 0; m < selectFilters.length; m++) setUpSelectFilter(selectFilters[m]);

  // A shared document's text (`data-document`): the words selected in it fill the comment and
  // suggestion forms (`data-range`) with their start and end, counted in code points of the
  // document's text as the server counts them, and the words themselves. Suggested words
  // shown inserted, comment numbers and labels for screen readers are not the text.
  // The text is a live region: it is looked up again at each selection, since a refresh
  // replaces it.
  function setUpRanges() {
    var forms = document.querySelectorAll('form[data-range]');
    if (!forms.length || !window.getSelection || !document.createRange) return;
    var root = null;
    function counted(t) {
      var el = t.parentElement;
      var outside = el && el.closest('ins, sup, .visually-hidden');
      return !(outside && root.contains(outside));
    }
    // Code points of the text before the point (container, offset).
    function offsetOf(container, offset) {
      var before = document.createRange();
      before.setStart(root, 0);
      before.setEnd(container, offset);
      var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, null);
      var n = 0;
      var t;
      while ((t = walker.nextNode())) {
        if (!before.intersectsNode(t)) break;
        if (!counted(t)) continue;
        var s = t === container ? t.data.slice(0, offset) : t.data;
        n += Array.from(s).length;
      }
      return n;
    }
    function wholeText() {
      var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, null);
      var out = '';
      var t;
      while ((t = walker.nextNode())) if (counted(t)) out += t.data;
      return Array.from(out);
    }
    document.addEventListener('selectionchange', function () {
      var selection = window.getSelection();
      if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;
      var range = selection.getRangeAt(0);
      root = document.querySelector('[data-document]');
      if (!root || !root.contains(range.startContainer) || !root.contains(range.endContainer)) return;
      var start = offsetOf(range.startContainer, range.startOffset);
      var end = offsetOf(range.endContainer, range.endOffset);
      var quote = wholeText().slice(start, end).join('');
      if (!quote.trim()) return;
      for (var i = 0; i < forms.length; i++) {
        var f = forms[i].elements;
        if (f.start) f.start.value = String(start);
        if (f.end) f.end.value = String(end);
        if (f.quote) f.quote.value = quote;
      }
    });
  }
  if (document.querySelector('[data-document]')) setUpRanges();

  // A document's editor (`data-editor`): after every change, the splices since the heads the
  // form shows are fetched and applied to the text area around what is being typed, and the
  // form's heads move on; the text area is never replaced, so the caret, the selection and
  // what was typed stay. The user's own edit is the stretch where the text area differs from
  // the text at the form's heads; a peer's splice before or after it is applied there. When a
  // splice falls inside that stretch, where its place among the user's words is not known
  // here, nothing is applied and the heads stay: saving merges it on the node, from those
  // heads, where every word's place is known. Positions count code points, as the server's.
  var editor = document.querySelector('form[data-editor]');
  var editorBusy = false;
  var editorAgain = false;
  var editorBase = null;
  if (editor) {
    var editorArea = editor.querySelector('textarea[name=text]');
    var editorHeads = editor.querySelector('input[name=heads]');
    if (editorArea && editorHeads) editorBase = Array.from(editorArea.value);
  }
  function splice(chars, at, remove, insert) {
    return chars.slice(0, at).concat(Array.from(insert), chars.slice(at + remove));
  }
  function patchEditor() {
    if (!editorBase) return;
    if (editorBusy) { editorAgain = true; return; }
    editorBusy = true;
    var area = editor.querySelector('textarea[name=text]');
    var heads = editor.querySelector('input[name=heads]');
    var url = '/documents/' + encodeURIComponent(editor.getAttribute('data-editor')) +
      '/splices?since=' + encodeURIComponent(heads.value);
    fetch(url, { credentials: 'same-origin', cache: 'no-store' }).then(function (res) {
      return res.ok ? res.json() : null;
    }).then(function (answer) {
      if (!answer || !answer.splices) return;
      var base = editorBase;
      var mine = Array.from(area.value);
      // The user's stretch: what differs between the text at the heads and the text area.
      var pre = 0;
      while (pre < base.length && pre < mine.length && base[pre] === mine[pre]) pre++;
      var suf = 0;
      while (suf < base.length - pre && suf < mine.length - pre &&
             base[base.length - 1 - suf] === mine[mine.length - 1 - suf]) suf++;
      var shift = mine.length - base.length;
      var value = area.value;
      var caretStart = Array.from(value.slice(0, area.selectionStart)).length;
      var caretEnd = Array.from(value.slice(0, area.selectionEnd)).length;
      var backward = area.selectionDirection === 'backward';
      var top = area.scrollTop;
      function move(caret, at, remove, insert) {
        if (caret >= at + remove) return caret + insert - remove;
        if (caret > at) return at + insert;
        return caret;
      }
      var s = answer.splices.slice().sort(function (x, y) { return y.pos - x.pos; });
      var inside = s.some(function (x) {
        return x.pos + x.delete > pre && x.pos < base.length - suf;
      });
      if (inside) return;
      var nextBase = base;
      for (var i = 0; i < s.length; i++) {
        var at = s[i].pos;
        var remove = s[i].delete;
        var insert = s[i].insert;
        nextBase = splice(nextBase, at, remove, insert);
        var where = at + remove <= pre ? at : at + shift;
        var n = Array.from(insert).length;
        mine = splice(mine, where, remove, insert);
        caretStart = move(caretStart, where, remove, n);
        caretEnd = move(caretEnd, where, remove, n);
      }
      editorBase = nextBase;
      heads.value = answer.heads;
      if (!s.length) return;
      area.value = mine.join('');
      area.setSelectionRange(mine.slice(0, caretStart).join('').length,
        mine.slice(0, caretEnd).join('').length, backward ? 'backward' : 'forward');
      area.scrollTop = top;
      announce();
    }).catch(function () {
      // The next change tries again from the same heads.
    }).then(function () {
      editorBusy = false;
      if (editorAgain) { editorAgain = false; patchEditor(); }
    });
  }

  // Presence (`data-presence`, beside a document's editor): while the page is shown it tells
  // its node every few seconds, and at once when the caret moves to another paragraph, which
  // paragraph the caret is in (the text's non-empty lines, from 0), and puts the list of who
  // else is here that comes back in place. Hidden or closed, it says it left; a page that
  // could not say so is forgotten by its node after a few seconds without word.
  var here = editor && document.querySelector('[data-presence]');
  if (here && window.fetch && window.URLSearchParams) {
    var hereList = document.getElementById('presence-list');
    var hereUrl = '/documents/' + encodeURIComponent(here.getAttribute('data-presence')) +
      '/presence';
    var hereTab = (function () {
      var bytes = new Uint8Array(12);
      if (window.crypto && window.crypto.getRandomValues) window.crypto.getRandomValues(bytes);
      else for (var b = 0; b < bytes.length; b++) bytes[b] = Math.floor(Math.random() * 256);
      return Array.prototype.map.call(bytes, function (x) {
        return ('0' + x.toString(16)).slice(-2);
      }).join('');
    })();
    var hereArea = editor.querySelector('textarea[name=text]');
    var hereParagraph = -1;
    var hereShown = null;
    var caretParagraph = function () {
      if (!hereArea) return 0;
      var lines = hereArea.value.slice(0, hereArea.selectionStart).split('\n');
      var n = 0;
      for (var i = 0; i < lines.length - 1; i++) if (lines[i].trim()) n++;
      return n;
    };
    var tell = function (leave) {
      var body = new URLSearchParams();
      body.set('tab', hereTab);
      if (leave) body.set('leave', '1'); else body.set('paragraph', String(hereParagraph));
      // `keepalive`: a leave sent as the page goes is still delivered.
      return fetch(hereUrl, {
        method: 'POST', body: body, credentials: 'same-origin', cache: 'no-store',
        keepalive: !!leave
      });
    };
    var beat = function () {
      if (document.hidden) return;
      hereParagraph = caretParagraph();
      tell(false).then(function (res) {
        return res.ok ? res.text() : null;
      }).then(function (html) {
        // Only a changed list is put in place, so that it is announced only when it changes.
        if (html === null || html === hereShown || !hereList) return;
        hereShown = html;
        hereList.innerHTML = html;
      }).catch(function () {
        // The node may be restarting; the next beat tries again.
      });
    };
    var moved = function () {
      if (caretParagraph() !== hereParagraph) beat();
    };
    var leave = function () {
      tell(true).catch(function () {});
    };
    if (hereArea) {
      ['keyup', 'click', 'focus', 'select'].forEach(function (name) {
        hereArea.addEventListener(name, moved);
      });
    }
    window.setInterval(beat, 4000);
    document.addEventListener('visibilitychange', function () {
      if (document.hidden) leave(); else beat();
    });
    window.addEventListener('pagehide', leave);
    window.addEventListener('pageshow', function (event) {
      if (event.persisted && !document.hidden) beat();
    });
    beat();
  }

  // After a refused form, take the keyboard to the list of errors.
  var summary = document.getElementById('error-summary');
  if (summary) summary.focus();

  if (!document.hidden) open();
})();
