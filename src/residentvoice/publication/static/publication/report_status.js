// Progress of a report being built: with JavaScript, the progress box updates itself every few
// seconds (announced politely to screen readers) without reloading the page; without it, the
// "Check progress" button does the same by hand.
const box = document.getElementById("report-progress");

async function update() {
  const response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
  if (!response.ok) return;
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = page.getElementById("report-progress");
  if (!fresh) return;
  box.innerHTML = fresh.innerHTML;
  if (fresh.dataset.waiting === "yes") window.setTimeout(update, 3000);
}

if (box && box.dataset.waiting === "yes") window.setTimeout(update, 3000);
