/* brief default theme: progressive enhancement only. Every page works without this file.
 *
 * - Citation cards: hovering or focusing a citation of the briefing (a.cite[data-ann]) shows
 *   the cited passage, its source and the note, in a native popover. The card stays while the
 *   pointer is over it (WCAG 1.4.13: hoverable), and Esc closes it (dismissible).
 * - The reached passage: all pieces of a passage split by markup are highlighted, not only
 *   the first one that carries the id.
 * - Search: the header's search box filters window.BRIEF_SEARCH, shipped as a classic script
 *   (assets/search-index.js), so it works from file:// too.
 *
 * Data comes from classic scripts (assets/annotations-data.js, assets/search-index.js): no
 * fetch(), no modules. Nothing is stored in localStorage. */
(function () {
  'use strict';

  var body = document.body;
  var root = (body && body.getAttribute('data-root')) || '';

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function supportsPopover() {
    return typeof HTMLElement !== 'undefined' &&
      Object.prototype.hasOwnProperty.call(HTMLElement.prototype, 'showPopover');
  }

  /* ---- Citation cards ---- */

  function setUpCards() {
    var data = window.BRIEF_ANNOTATIONS;
    var cites = document.querySelectorAll('a.cite[data-ann]');
    if (!data || !cites.length) return;

    var native = supportsPopover();
    var card = el('div', 'cite-card');
    card.id = 'brief-cite-card';
    if (native) {
      card.setAttribute('popover', 'manual');
    } else {
      card.hidden = true;
    }
    body.appendChild(card);

    var current = null;
    var hideTimer = null;

    function kindLabel(kind) {
      return kind === 'figure' ? 'Figure' : kind === 'quote' ? 'Quote' : 'Note';
    }

    function fill(annotation) {
      card.textContent = '';
      var head = el('p', 'card-head');
      var parts = [kindLabel(annotation.kind) + ' ' + annotation.number];
      if (annotation.value) parts.push(annotation.value);
      if (annotation.speaker) parts.push(annotation.speaker);
      head.textContent = parts.join(' · ');
      card.appendChild(head);
      (annotation.wordings || []).forEach(function (wording) {
        var quote = el('blockquote');
        quote.appendChild(el('p', null, '\u201c' + wording.quote + '\u201d'));
        card.appendChild(quote);
        var source = el('p', 'card-source');
        source.appendChild(document.createTextNode('\u2014 '));
        var link = el('a', null, wording.outlet);
        link.href = root + wording.href;
        link.title = wording.title;
        source.appendChild(link);
        card.appendChild(source);
      });
      if (annotation.note_html) {
        var note = el('div', 'card-note');
        // Built from the annotation's Markdown by brief, which escapes it: no raw HTML.
        note.innerHTML = annotation.note_html;
        card.appendChild(note);
      }
      card.appendChild(el('p', 'card-hint', 'Esc closes this card.'));
    }

    function place(link) {
      var rect = link.getBoundingClientRect();
      var scrollX = window.pageXOffset;
      var scrollY = window.pageYOffset;
      var width = card.offsetWidth;
      var height = card.offsetHeight;
      var viewport = document.documentElement.clientWidth;
      var left = Math.max(8, Math.min(rect.left + scrollX, scrollX + viewport - width - 8));
      var below = rect.bottom + 6;
      var top = below + height > window.innerHeight && rect.top - height - 6 > 0
        ? rect.top - height - 6
        : below;
      card.style.left = left + 'px';
      card.style.top = (top + scrollY) + 'px';
    }

    function show(link) {
      clearTimeout(hideTimer);
      var annotation = data[link.getAttribute('data-ann')];
      if (!annotation) return;
      if (current && current !== link) current.removeAttribute('aria-describedby');
      current = link;
      fill(annotation);
      if (native) {
        if (!card.matches(':popover-open')) card.showPopover();
      } else {
        card.hidden = false;
      }
      card.classList.add('is-open');
      place(link);
      link.setAttribute('aria-describedby', card.id);
    }

    function hide() {
      clearTimeout(hideTimer);
      if (!current) return;
      current.removeAttribute('aria-describedby');
      current = null;
      card.classList.remove('is-open');
      if (native) {
        if (card.matches(':popover-open')) card.hidePopover();
      } else {
        card.hidden = true;
      }
    }

    function hideSoon() {
      clearTimeout(hideTimer);
      hideTimer = setTimeout(hide, 300);
    }

    Array.prototype.forEach.call(cites, function (link) {
      link.addEventListener('mouseenter', function () { show(link); });
      link.addEventListener('mouseleave', hideSoon);
      link.addEventListener('focus', function () { show(link); });
      link.addEventListener('blur', function (event) {
        if (!card.contains(event.relatedTarget)) hide();
      });
    });
    card.addEventListener('mouseenter', function () { clearTimeout(hideTimer); });
    card.addEventListener('mouseleave', hideSoon);
    card.addEventListener('focusout', function (event) {
      if (!card.contains(event.relatedTarget) && event.relatedTarget !== current) hide();
    });
    document.addEventListener('keydown', function (event) {
      if (event.key === 'Escape' && current) {
        var link = current;
        var inCard = card.contains(document.activeElement);
        hide();
        if (inCard) link.focus({ preventScroll: true });
      }
    });
    window.addEventListener('resize', function () { if (current) place(current); });
  }

  /* ---- The reached passage ---- */

  function markTarget() {
    Array.prototype.forEach.call(document.querySelectorAll('.is-target'), function (node) {
      node.classList.remove('is-target');
    });
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    var target = document.getElementById(id);
    if (!target || !target.matches('mark.ann[data-ann]')) return;
    var ann = target.getAttribute('data-ann');
    Array.prototype.forEach.call(document.querySelectorAll('mark.ann[data-ann]'), function (node) {
      if (node.getAttribute('data-ann') === ann) node.classList.add('is-target');
    });
  }

  /* ---- Search ---- */

  function setUpSearch() {
    var index = window.BRIEF_SEARCH;
    var form = document.querySelector('form.site-search');
    if (!form || !index || !index.length) return;
    var input = form.querySelector('input[type="search"]');
    var results = form.querySelector('.site-search-results');
    var status = form.querySelector('#site-search-status');
    var kinds = { briefing: 'Briefing', source: 'Source', annotation: 'Annotation' };
    var prepared = index.map(function (entry) {
      return { entry: entry, title: entry.title.toLowerCase(), text: entry.text.toLowerCase() };
    });
    form.hidden = false;

    function snippet(text, at, length) {
      var start = Math.max(0, text.lastIndexOf(' ', Math.max(0, at - 60)) + 1);
      var end = Math.min(text.length, at + length + 90);
      var node = el('span', 'result-snippet');
      node.appendChild(document.createTextNode((start > 0 ? '\u2026' : '') + text.slice(start, at)));
      node.appendChild(el('mark', null, text.slice(at, at + length)));
      node.appendChild(document.createTextNode(text.slice(at + length, end) + (end < text.length ? '\u2026' : '')));
      return node;
    }

    function wordAt(text, at, length) {
      var start = at;
      var end = at + length;
      while (start > 0 && /\w/.test(text.charAt(start - 1))) start -= 1;
      while (end < text.length && /\w/.test(text.charAt(end))) end += 1;
      return text.slice(start, end);
    }

    function run() {
      var query = input.value.trim().toLowerCase();
      results.textContent = '';
      if (query.length < 2) {
        results.hidden = true;
        status.textContent = '';
        return;
      }
      var terms = query.split(/\s+/);
      var found = [];
      prepared.forEach(function (item) {
        var score = 0;
        for (var i = 0; i < terms.length; i += 1) {
          var inTitle = item.title.indexOf(terms[i]) !== -1;
          var inText = item.text.indexOf(terms[i]) !== -1;
          if (!inTitle && !inText) return;
          score += inTitle ? 3 : 1;
        }
        found.push({ item: item, score: score });
      });
      found.sort(function (a, b) { return b.score - a.score; });
      var list = el('ol');
      found.slice(0, 12).forEach(function (hit) {
        var entry = hit.item.entry;
        var link = el('a');
        var href = root + entry.href;
        var at = hit.item.text.indexOf(terms[0]);
        if (entry.kind !== 'annotation' && at !== -1) {
          // A text fragment scrolls to the first match where the browser supports it.
          href += '#:~:text=' + encodeURIComponent(wordAt(entry.text, at, terms[0].length));
        }
        link.href = href;
        link.appendChild(el('span', 'result-kind', kinds[entry.kind] || entry.kind));
        link.appendChild(el('span', 'result-title', entry.title));
        if (at !== -1) link.appendChild(snippet(entry.text, at, terms[0].length));
        var item = el('li');
        item.appendChild(link);
        list.appendChild(item);
      });
      if (found.length) {
        results.appendChild(list);
      } else {
        results.appendChild(el('p', 'result-none', 'Nothing matches \u201c' + input.value.trim() + '\u201d.'));
      }
      results.hidden = false;
      status.textContent = found.length === 1 ? '1 result' : found.length + ' results';
    }

    function links() {
      return Array.prototype.slice.call(results.querySelectorAll('a'));
    }

    function close() {
      results.hidden = true;
    }

    input.addEventListener('input', run);
    input.addEventListener('focus', function () { if (input.value.trim().length >= 2) run(); });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var first = links()[0];
      if (first) location.href = first.href;
    });
    form.addEventListener('keydown', function (event) {
      var all = links();
      var at = all.indexOf(document.activeElement);
      if (event.key === 'ArrowDown' && all.length) {
        event.preventDefault();
        all[Math.min(at + 1, all.length - 1)].focus();
      } else if (event.key === 'ArrowUp' && at !== -1) {
        event.preventDefault();
        if (at === 0) input.focus(); else all[at - 1].focus();
      } else if (event.key === 'Escape' && !results.hidden) {
        event.preventDefault();
        close();
        input.focus();
      }
    });
    document.addEventListener('click', function (event) {
      if (!form.contains(event.target)) close();
    });
    form.addEventListener('focusout', function (event) {
      if (event.relatedTarget && !form.contains(event.relatedTarget)) close();
    });
  }

  setUpCards();
  setUpSearch();
  markTarget();
  window.addEventListener('hashchange', markTarget);
}());
