export const validation = {
  "validation.required": "Заполните это поле",
  "validation.invalid": "Неверное значение",
  "validation.tooShort": "Не короче {min}\u00a0символов",
  "validation.tooLong": "Не длиннее {max}\u00a0символов",
  "validation.tooSmall": "Не меньше {min}",
  "validation.tooBig": "Не больше {max}",
  "validation.username": "От 3 до 32\u00a0символов: латинские буквы, цифры и _",
  "validation.password":
    "От 8 до 100\u00a0символов, хотя бы одна заглавная и одна строчная буква и цифра",
  "validation.email": "Введите адрес электронной почты, например name@example.ru",
  "validation.role": "Роль: USER, TRAINER, MODERATOR или ADMIN",
  "validation.taken": "Это имя или адрес уже заняты",
};
