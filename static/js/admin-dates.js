"use strict";
// A date-only field holds a calendar day as the source gives it, so Django's note about the server's time zone
// ("Enter times in the Asia/Shanghai timezone. (You are 8 hours behind.)") is wrong there: it is kept for time
// fields only. The field's help says what to enter.
{
    const addTimezoneWarning = DateTimeShortcuts.addTimezoneWarning;
    DateTimeShortcuts.addTimezoneWarning = function (input) {
        if (input.classList.contains("vDateField")) {
            return;
        }
        return addTimezoneWarning.call(this, input);
    };
}
