/* nianbao: what GX's Data Docs pages ask of jQuery and bootstrap-table, without a CDN.
   $(selector) holds the elements found; the methods the pages call work on them; any other
   (Bootstrap's modal, tooltips…) does nothing. bootstrapTable draws the index's rows from its
   data, newest first, each a link to its page, with a search box over the rows' text. */
(function () {
  function wrap(elements) {
    var self = {
      elements: elements,
      each: function (fn) { elements.forEach(function (el, i) { fn(i, el); }); return self; },
      parent: function () { return wrap(elements.map(function (el) { return el.parentElement; }).filter(Boolean)); },
      fadeIn: function () { elements.forEach(function (el) { el.style.display = ""; }); return self; },
      fadeOut: function () { elements.forEach(function (el) { el.style.display = "none"; }); return self; },
      removeClass: function (name) { elements.forEach(function (el) { el.classList.remove(name); }); return self; },
      data: function (key) { return elements.length ? elements[0].getAttribute("data-" + key) : undefined; },
      bootstrapTable: function (options) {
        if (typeof options === "object") { elements.forEach(function (el) { drawTable(el, options); }); }
        return self;
      }
    };
    return new Proxy(self, { get: function (target, name) {
      return name in target ? target[name] : function () { return self; };
    } });
  }
  function onReady(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  window.$ = window.jQuery = function (selector) {
    if (typeof selector === "function") { onReady(selector); return wrap([]); }
    if (selector === document) { var page = wrap([document]); page.ready = onReady; return page; }
    if (selector instanceof Element) { return wrap([selector]); }
    return wrap(Array.prototype.slice.call(document.querySelectorAll(selector)));
  };
  function drawTable(table, options) {
    var columns = options.columns || [], rows = (options.data || []).slice();
    var sortColumn = columns.filter(function (c) { return c.field === options.sortName; })[0];
    var sortKey = sortColumn ? (sortColumn.sortName || sortColumn.field) : null;
    if (sortKey) {
      rows.sort(function (a, b) { return a[sortKey] < b[sortKey] ? -1 : a[sortKey] > b[sortKey] ? 1 : 0; });
      if (options.sortOrder === "desc") { rows.reverse(); }
    }
    var head = "<thead><tr>" + columns.map(function (c) { return "<th>" + c.title + "</th>"; }).join("") + "</tr></thead>";
    var body = rows.map(function (row) {
      var cells = columns.map(function (c) { return "<td>" + (row[c.field] === undefined ? "" : row[c.field]) + "</td>"; }).join("");
      var link = row._table_row_link_path;
      return link ? "<tr class='clickable-row' onclick=\"window.location='" + link + "'\">" + cells + "</tr>" : "<tr>" + cells + "</tr>";
    }).join("");
    table.innerHTML = head + "<tbody>" + body + "</tbody>";
    var search = document.createElement("input");
    search.type = "search"; search.placeholder = "search"; search.className = "nianbao-search";
    search.oninput = function () {
      var words = search.value.toLowerCase();
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        tr.style.display = tr.textContent.toLowerCase().indexOf(words) >= 0 ? "" : "none";
      });
    };
    table.parentNode.insertBefore(search, table);
  }
})();
