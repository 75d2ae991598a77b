/* brief default theme: progressive enhancement only. Every page works without this file.
 *
 * - Citation cards: hovering or focusing a citation of the briefing (a.cite[data-ann]) shows
 *   the cited passage, its source and the note, in a native popover. The card stays while the
 *   pointer is over it (WCAG 1.4.13: hoverable), and Esc closes it (dismissible).
 * - The reached passage: all pieces of a passage split by markup are highlighted, not only
 *   the first one that carries the id.
 * - Search: the header's search box loads the search index when the reader first uses it, in
 *   shards: classic scripts under assets/search/ added to the page on demand, so it works
 *   from file:// too and a query loads only the words and the results it needs.
 *
 * A page's card data is inline (<script type="application/json" id="brief-cards">); the
 * search index comes as classic scripts: no fetch(), no modules. Nothing is stored in
 * localStorage. */
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

  function cardData() {
    var inline = document.getElementById('brief-cards');
    if (!inline) return null;
    try {
      return JSON.parse(inline.textContent);
    } catch (error) {
      return null;
    }
  }

  function setUpCards() {
    var data = cardData();
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

  /* Loads assets/search/NAME.js once; calls back with what it stored, or null. */
  var searchLoads = {};
  function loadSearchFile(name, callback) {
    var store = window.BRIEF_SEARCH = window.BRIEF_SEARCH || {};
    if (Object.prototype.hasOwnProperty.call(store, name)) {
      callback(store[name]);
      return;
    }
    var waiting = searchLoads[name];
    if (waiting) {
      waiting.push(callback);
      return;
    }
    waiting = searchLoads[name] = [callback];
    var script = document.createElement('script');
    script.src = root + 'assets/search/' + name + '.js';
    function done() {
      delete searchLoads[name];
      var value = Object.prototype.hasOwnProperty.call(store, name) ? store[name] : null;
      waiting.forEach(function (call) { call(value); });
    }
    script.onload = done;
    script.onerror = done;
    document.head.appendChild(script);
  }

  function loadAll(names, callback) {
    var values = {};
    var left = names.length;
    if (!left) callback(values);
    names.forEach(function (name) {
      loadSearchFile(name, function (value) {
        values[name] = value;
        left -= 1;
        if (!left) callback(values);
      });
    });
  }

  /* The words of a text as the index holds them (src/render/scripts.rs splits the same way). */
  function searchWords(text) {
    return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(function (word) {
      return Array.from(word).length >= 2;
    });
  }

  function shardFile(word) {
    var key = Array.from(word).slice(0, 2);
    if (key.every(function (c) { return /^[a-z0-9]$/.test(c); })) return 's-' + key.join('');
    return 'u-' + key.map(function (c) { return c.codePointAt(0).toString(16); }).join('-');
  }

  function setUpSearch() {
    var form = document.querySelector('form.site-search');
    if (!form) return;
    var input = form.querySelector('input[type="search"]');
    var results = form.querySelector('.site-search-results');
    var status = form.querySelector('#site-search-status');
    var kinds = { briefing: 'Briefing', source: 'Source', annotation: 'Annotation' };
    var latest = 0;
    form.hidden = false;

    /* Entries matching every word of the query, best first: a word matches the words of an
     * entry that start with it, three points in the title, one in the text. */
    function match(terms, shards) {
      var scores = null;
      terms.forEach(function (term) {
        var shard = shards[shardFile(term)] || {};
        var found = {};
        Object.keys(shard).forEach(function (word) {
          if (word.lastIndexOf(term, 0) !== 0) return;
          var code = 0;
          shard[word].forEach(function (delta) {
            code += delta;
            var entry = code >> 1;
            found[entry] = Math.max(found[entry] || 0, code & 1 ? 3 : 1);
          });
        });
        if (scores === null) {
          scores = found;
          return;
        }
        var kept = {};
        Object.keys(scores).forEach(function (entry) {
          if (found[entry]) kept[entry] = scores[entry] + found[entry];
        });
        scores = kept;
      });
      var hits = Object.keys(scores || {}).map(function (entry) {
        return { entry: Number(entry), score: scores[entry] };
      });
      hits.sort(function (a, b) { return b.score - a.score || a.entry - b.entry; });
      return hits;
    }

    function chunkOf(manifest, entry) {
      var low = 0;
      var high = manifest.chunks.length - 1;
      while (low < high) {
        var middle = (low + high + 1) >> 1;
        if (manifest.chunks[middle] <= entry) low = middle; else high = middle - 1;
      }
      return low;
    }

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
      var query = input.value.trim();
      var terms = searchWords(query);
      var ticket = latest += 1;
      if (query.length < 2 || !terms.length) {
        results.textContent = '';
        results.hidden = true;
        status.textContent = '';
        return;
      }
      loadSearchFile('manifest', function (manifest) {
        if (!manifest || ticket !== latest) return;
        var shardNames = terms.map(shardFile).filter(function (name) {
          return manifest.shards.indexOf(name) !== -1;
        });
        loadAll(shardNames, function (shards) {
          if (ticket !== latest) return;
          var hits = match(terms, shards);
          var top = hits.slice(0, 12);
          var chunks = [];
          top.forEach(function (hit) {
            var name = 'chunk-' + chunkOf(manifest, hit.entry);
            if (chunks.indexOf(name) === -1) chunks.push(name);
          });
          loadAll(chunks, function (loaded) {
            if (ticket !== latest) return;
            show(query, terms, hits.length, top.map(function (hit) {
              var chunk = chunkOf(manifest, hit.entry);
              var entries = loaded['chunk-' + chunk] || [];
              return entries[hit.entry - manifest.chunks[chunk]];
            }).filter(Boolean));
          });
        });
      });
    }

    function show(query, terms, count, entries) {
      results.textContent = '';
      var list = el('ol');
      entries.forEach(function (entry) {
        var link = el('a');
        var href = root + entry.href;
        var text = entry.text.toLowerCase();
        var at = text.indexOf(terms[0]);
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
      if (count) {
        results.appendChild(list);
      } else {
        results.appendChild(el('p', 'result-none', 'Nothing matches \u201c' + query + '\u201d.'));
      }
      results.hidden = false;
      status.textContent = count === 1 ? '1 result' : count + ' results';
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

  /* ---- Margin notes ---- */

  /* On wide screens the CSS floats each block's notes into the margin, stacked, starting
   * where the block ends. This lifts each group up beside the line of its first passage (or,
   * for a "how the sources word it" box, of its citation), never above the bottom of the
   * group before it, so notes stay in order and never overlap. A relative offset moves
   * nothing else: the text never moves. */
  function setUpMarginNotes() {
    var groups = Array.prototype.slice.call(
      document.querySelectorAll('.source-text details.notes, .briefing > aside.corroboration'));
    if (!groups.length || !window.matchMedia) return;
    var wide = window.matchMedia('(min-width: 64rem)');

    function anchorOf(group) {
      var id;
      if (group.localName === 'details') {
        var note = group.querySelector('aside.ann-note');
        id = note && note.id.replace(/^note-/, '');
      } else {
        id = group.id.replace(/^compare-/, 'cite-') + '-1';
      }
      return id ? document.getElementById(id) : null;
    }

    function align() {
      groups.forEach(function (group) { group.style.top = ''; });
      if (!wide.matches) return;
      var natural = groups.map(function (group) { return group.getBoundingClientRect(); });
      var floor = -Infinity;
      groups.forEach(function (group, index) {
        var anchor = anchorOf(group);
        var rect = natural[index];
        var wanted = anchor ? anchor.getBoundingClientRect().top : rect.top;
        var top = Math.min(rect.top, Math.max(wanted, floor));
        group.style.top = (top - rect.top) + 'px';
        floor = top + rect.height + 8;
      });
    }

    align();
    window.addEventListener('load', align);
    window.addEventListener('resize', align);
    if (wide.addEventListener) wide.addEventListener('change', align);
  }

  /* ---- Filters on annotations.html ---- */

  /* Without scripts every annotation is shown; this adds two selects, by source and by kind. */
  function setUpFilters() {
    var bar = document.querySelector('.annotation-filters');
    if (!bar) return;
    var sections = Array.prototype.slice.call(document.querySelectorAll('section.annotation'));

    function select(label, name, options) {
      var wrap = el('label', null, label);
      var field = el('select');
      field.name = name;
      options.forEach(function (option) {
        var item = el('option', null, option[1]);
        item.value = option[0];
        field.appendChild(item);
      });
      wrap.appendChild(field);
      bar.appendChild(wrap);
      return field;
    }

    var sources = [['', 'All sources']].concat(
      (bar.getAttribute('data-sources') || '').split('|').filter(Boolean).map(function (pair) {
        var at = pair.indexOf('=');
        return [pair.slice(0, at), pair.slice(at + 1)];
      }));
    var bySource = select('Source', 'source', sources);
    var byKind = select('Kind', 'kind', [['', 'All kinds'], ['figure', 'Figures'], ['quote', 'Quotes'], ['note', 'Notes']]);
    var status = el('p', 'visually-hidden');
    status.setAttribute('aria-live', 'polite');
    bar.appendChild(status);

    function apply() {
      var shown = 0;
      sections.forEach(function (section) {
        var source = bySource.value;
        var kind = byKind.value;
        var keep = (!kind || section.getAttribute('data-kind') === kind) &&
          (!source || (' ' + section.getAttribute('data-sources') + ' ').indexOf(' ' + source + ' ') >= 0);
        section.hidden = !keep;
        if (keep) shown += 1;
      });
      status.textContent = shown + ' of ' + sections.length + ' annotations shown';
    }

    bySource.addEventListener('change', apply);
    byKind.addEventListener('change', apply);
    bar.hidden = false;
  }

  setUpCards();
  setUpSearch();
  setUpMarginNotes();
  setUpFilters();
  markTarget();
  window.addEventListener('hashchange', markTarget);
}());
