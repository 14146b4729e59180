// The profile page: after a refused save, the error summary takes focus so a screen reader
// reads it and the keyboard starts from its links. The specialties and the states, ticked boxes
// without this script, become searchable pickers (Tom Select): type to filter, Enter or a click to
// add, Backspace or the "x" to take one out; a live line says what was added or taken out. One
// button adds the border states (CA, AZ, NM, TX).
(function () {
  "use strict";
  var BORDER_STATES = ["CA", "AZ", "NM", "TX"];
  // The page's words, in its language, from the form's data-picker-texts.
  var form = document.querySelector("form[data-picker-texts]");
  var texts = {
    border: "Add the border states (CA, AZ, NM, TX)",
    border_boxes: "Tick the border states (CA, AZ, NM, TX)",
    specialty: "Type a specialty, e.g. Internal Medicine", state: "Type a state, e.g. TX",
    remove: "Remove", added: "%(name)s added.", removed: "%(name)s taken out.",
    chosen: "Chosen: %(names)s.", none: "None chosen.",
  };
  try {
    Object.assign(texts, JSON.parse(form ? form.dataset.pickerTexts : "{}"));
  } catch (error) {
    // The English words above stay.
  }
  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key];
    });
  }
  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) {
    summary.focus();
  }

  // Replaces the group of checkboxes named `name` with a <select multiple> of the same name,
  // labelled by the group's legend, and turns it into a picker. Returns the picker, or null
  // when the boxes are not there, are read-only, or Tom Select did not load.
  function picker(name, placeholder) {
    var boxes = Array.prototype.slice.call(
      document.querySelectorAll("input[type=checkbox][name=" + name + "]"));
    if (!boxes.length || boxes[0].disabled || typeof window.TomSelect !== "function") {
      return null;
    }
    var fieldset = boxes[0].closest("fieldset");
    var legend = fieldset.querySelector("legend");
    var field = document.createElement("div");
    var label = document.createElement("label");
    var select = document.createElement("select");
    var status = document.createElement("div");
    select.id = "id_" + name;
    select.name = name;
    select.multiple = true;
    label.htmlFor = select.id;
    label.className = "form-label";
    label.textContent = legend.textContent.trim();
    boxes.forEach(function (box) {
      var option = new Option(box.labels[0].textContent.trim(), box.value, false, box.checked);
      select.add(option);
    });
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    field.appendChild(label);
    field.appendChild(select);
    field.appendChild(status);
    // The field's error, if the save was refused, stays under it.
    fieldset.querySelectorAll(".invalid-feedback").forEach(function (error) {
      field.appendChild(error);
    });
    fieldset.parentNode.replaceChild(field, fieldset);
    // The boxes' columns do not suit one picker.
    var columns = field.closest(".columns-checkboxes");
    if (columns) {
      columns.className = "";
    }

    // What was added or taken out, and everything chosen, for a screen reader.
    function say(tom, what, value) {
      var chosen = tom.items.map(function (item) {
        return tom.options[item].text;
      });
      status.textContent = fill(texts[what], {name: tom.options[value].text}) + " " +
        (chosen.length ? fill(texts.chosen, {names: chosen.join(", ")}) : texts.none);
    }

    var tom = new window.TomSelect(select, {
      plugins: {remove_button: {title: texts.remove}},
      placeholder: placeholder,
      hidePlaceholder: true,
      closeAfterSelect: false,
      maxOptions: null,
      // A short list filters at once: Enter right after typing takes the first match, not
      // whatever was highlighted before.
      refreshThrottle: 0,
      onItemAdd: function (value) {
        this.setTextboxValue("");
        this.refreshOptions(false);
        say(this, "added", value);
      },
      onItemRemove: function (value) {
        say(this, "removed", value);
      },
    });
    // The select Tom Select hides still sends the form; a screen reader hears the picker only.
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    return tom;
  }

  picker("target_specialties", texts.specialty);
  var states = picker("target_states", texts.state);

  // The border states as one quick pick, with the picker or with the boxes.
  var anchor = document.getElementById("id_target_states");
  var boxes = document.querySelectorAll("input[type=checkbox][name=target_states]");
  if (!anchor && !boxes.length) {
    return;
  }
  var field = states ? anchor.parentElement :
    (boxes[0].closest("fieldset, .mb-3") || boxes[0].parentElement);
  if (boxes.length && boxes[0].disabled) {
    return;
  }
  var button = document.createElement("button");
  button.type = "button";
  button.className = "btn btn-outline-secondary btn-sm mb-2";
  button.textContent = states ? texts.border : texts.border_boxes;
  button.addEventListener("click", function () {
    if (states) {
      states.addItems(BORDER_STATES);
      return;
    }
    boxes.forEach(function (box) {
      if (BORDER_STATES.indexOf(box.value) !== -1) {
        box.checked = true;
      }
    });
  });
  field.parentElement.insertBefore(button, field);
})();
