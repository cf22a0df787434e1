import { describe, expect, it } from 'vitest';
import { htmlToText, sameText } from '../../src/sync/format.js';

// Rule 4: an employee's Planfix comment (rich text) becomes the plain text of the Page's reply.
// The samples look like what Planfix's editor (CKEditor) stores: a paragraph per line typed, <br>
// for Shift+Enter, &nbsp; where spaces were doubled, <blockquote> for a reply with a quote,
// <span class="mention" data-mention="@…"> for a mention.

describe('htmlToText: a Planfix comment as the text Facebook shows', () => {
  it('turns paragraphs and <br> into line breaks, an empty paragraph into one blank line, never more', () => {
    const html =
      '<p>Hello Ann,</p>\n<p>we deliver every day<br>from 9:00 to 18:00.</p>\n<p>&nbsp;</p>\n<p><br></p><p><br></p>\n<p>Best regards,<br />Bakery team</p>';
    expect(htmlToText(html)).toBe('Hello Ann,\nwe deliver every day\nfrom 9:00 to 18:00.\n\nBest regards,\nBakery team');
  });

  it('keeps a link’s address after its text, and prints a link whose text is its address once', () => {
    const html =
      '<p>Our menu is <a href="https://bakery.example/menu" target="_blank">here</a>, the shop at <a href="https://shop.example/">https://shop.example</a>' +
      ' and <a href="https://bakery.example/">bakery.example</a>; write to <a href="mailto:info@bakery.example">info@bakery.example</a>.</p>';
    expect(htmlToText(html)).toBe(
      'Our menu is here (https://bakery.example/menu), the shop at https://shop.example and bakery.example; write to info@bakery.example.',
    );
  });

  it('drops the address of a link into Planfix itself (relative) and keeps its text', () => {
    expect(htmlToText('<p>See <a href="/task/1234">the order</a>.</p>')).toBe('See the order.');
  });

  it('gives list items bullets or numbers, one per line', () => {
    const html = '<p>We have:</p><ul><li>croissants</li><li><b>baguettes</b></li></ul><ol><li>order</li><li>pick up</li></ol><p>Thanks!</p>';
    expect(htmlToText(html)).toBe('We have:\n• croissants\n• baguettes\n1. order\n2. pick up\nThanks!');
  });

  it('reads a table row by row, cells apart', () => {
    const html = '<p>Prices:</p><table><tbody><tr><th>Item</th><th>Price</th></tr>\n<tr><td>Croissant</td> <td><b>2</b> €</td></tr></tbody></table><p>See you!</p>';
    expect(htmlToText(html)).toBe('Prices:\nItem · Price\nCroissant · 2 €\nSee you!');
  });

  it('lets bold, italic and underline markup disappear and keeps the words', () => {
    expect(htmlToText('<p><strong>Yes</strong>, <em>every</em> <b>day</b> <i>until</i> <u>18:00</u> <span style="color:#ff0000">sharp</span>.</p>')).toBe(
      'Yes, every day until 18:00 sharp.',
    );
  });

  it('keeps emoji, typed or stored as entities, and turns &nbsp; into a plain space', () => {
    const text = htmlToText('<p>Thank you&nbsp;so&nbsp;much! 😊 &#x1F370; &#127838;&nbsp;</p>');
    expect(text).toBe('Thank you so much! 😊 🍰 🍞');
    expect(text).not.toContain('\u00a0');
  });

  it('decodes entities', () => {
    expect(htmlToText('<p>Tom &amp; Jerry &lt;3 &quot;fresh&quot; &#39;daily&#39; &hellip; 5&euro; &copy;</p>')).toBe('Tom & Jerry <3 "fresh" \'daily\' … 5€ ©');
  });

  it('leaves out the quoted comment an employee answers with a quote', () => {
    const html =
      '<blockquote><p><b>Ann Lee on Facebook</b>, 2026-11-30 10:15:</p><p>Do you deliver?</p></blockquote><p>Yes, we do.</p>' +
      '<div class="quote">older quote</div>';
    expect(htmlToText(html)).toBe('Yes, we do.');
  });

  it('reduces a mention of an employee to the name', () => {
    // CKEditor's mention markup (Planfix's comment editor is CKEditor).
    expect(htmlToText('<p><span class="mention" data-mention="@Anna Manager">@Anna Manager</span> will call you back.</p>')).toBe('Anna Manager will call you back.');
    expect(htmlToText('<p>Ask <a data-mention="user:5" href="/user/5">@Anna</a>.</p>')).toBe('Ask Anna.');
  });

  it('publishes no picture but keeps an emoji stored as a picture', () => {
    expect(htmlToText('<p>Look <img src="https://x.planfix.com/file/1.png" alt="photo"> <img class="emoji" alt="👍" src="/e/1f44d.png"></p>')).toBe('Look 👍');
  });

  it('keeps the line breaks of a comment written as plain text (no markup at all)', () => {
    expect(htmlToText('Yes.\nEvery day.\r\nSee you')).toBe('Yes.\nEvery day.\nSee you');
  });

  it('leaves no trailing spaces on any line and nothing around the text', () => {
    const text = htmlToText('<p>  one   </p><p>two&nbsp;&nbsp;</p><div> three <br> four </div>');
    expect(text).toBe('one\ntwo\nthree\nfour');
  });

  it('is deterministic: the same comment gives the same text, which sameText matches', () => {
    const html = '<p>Hi <a href="https://x.example/a">there</a></p><ul><li>a</li></ul>';
    const once = htmlToText(html);
    expect(htmlToText(html)).toBe(once);
    expect(sameText(once, `${once.replace(/\n/g, '\n ')} `)).toBe(true);
  });
});
