// The passphrase field's show/hide button (templates/_passphrase.html). Without JavaScript
// the button stays hidden and the field is a plain password field.
const input = document.getElementById("passphrase");
const button = document.getElementById("passphrase-show");
if (input && button) {
  const t = JSON.parse(document.getElementById("t-passphrase").textContent);
  button.hidden = false;
  button.addEventListener("click", () => {
    const shown = input.type === "text";
    input.type = shown ? "password" : "text";
    button.textContent = shown ? t.show : t.hide;
  });
  // sent as a password field, so that the browser offers to remember it
  input.form?.addEventListener("submit", () => {
    input.type = "password";
    button.textContent = t.show;
  });
}
