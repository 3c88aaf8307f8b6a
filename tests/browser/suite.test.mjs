// The browser suite: one server and one Chromium (see harness.mjs) for every case, in order.
import "./cases/map.mjs";
import "./cases/views.mjs";
import "./cases/access.mjs";
import "./cases/a11y.mjs";
import "./cases/roles.mjs";
import "./cases/markers.mjs";
import "./cases/waits.mjs";
import "./cases/keyboard.mjs";
import "./cases/layout.mjs";
import "./cases/language.mjs";
import "./cases/programmes.mjs";
import "./cases/forecast.mjs";
import "./cases/binary.mjs";
